import type { MlflowError, MlflowErrorKind } from './errors.js';

export interface MlflowLogger {
  warn(message: string): void;
  info(message: string): void;
}

export interface MlflowExportStats {
  /** Spans MLflow accepted. */
  exportedSpans: number;
  /** Spans in batches that could not be delivered. */
  failedSpans: number;
  /** The latest failure. */
  lastError?: { kind: MlflowErrorKind; message: string; at: Date };
}

/**
 * Counts outcomes and tells the user about a problem once: when it first shows, again only when a
 * different problem replaces it, and once more when exports work again.
 */
export class ExportReporter {
  readonly #counts = { exportedSpans: 0, failedSpans: 0 };
  #lastError: MlflowExportStats['lastError'];
  #currentProblem: MlflowErrorKind | undefined;
  #lostDuringProblem = 0;

  constructor(
    private readonly trackingUri: string,
    private readonly logger: MlflowLogger,
    private readonly onError: ((error: MlflowError, spanCount: number) => void) | undefined,
  ) {}

  get stats(): MlflowExportStats {
    return this.#lastError === undefined ? { ...this.#counts } : { ...this.#counts, lastError: { ...this.#lastError } };
  }

  exported(spanCount: number): void {
    this.#counts.exportedSpans += spanCount;
    if (this.#currentProblem === undefined) return;
    const lost = this.#lostDuringProblem === 0 ? '' : `; ${this.#lostDuringProblem} spans could not be delivered meanwhile`;
    this.logger.info(`exporting spans to MLflow at ${this.trackingUri} works again${lost}.`);
    this.#currentProblem = undefined;
    this.#lostDuringProblem = 0;
  }

  failed(error: MlflowError, spanCount: number): void {
    this.#counts.failedSpans += spanCount;
    this.#lostDuringProblem += spanCount;
    this.#lastError = { kind: error.kind, message: error.message, at: new Date() };
    if (error.kind !== this.#currentProblem) {
      this.#currentProblem = error.kind;
      this.logger.warn(error.message);
    }
    try {
      this.onError?.(error, spanCount);
    } catch {
      // A failing callback must not stop later exports.
    }
  }
}
