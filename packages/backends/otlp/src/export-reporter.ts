import type { ExportProblemKind } from './classify-error.js';
import type { ExportErrorDescription } from './describe-error.js';
import type { OtlpLogger } from './options.js';
import type { RetryEvent } from './retrying-exporter.js';

export interface OtlpExportStats {
  /** Spans the collector accepted. */
  exportedSpans: number;
  /** Spans given up on: a failure that is not worth retrying, or the retry budget ran out. */
  failedSpans: number;
  /** Spans sent again, counted once per retry. */
  retriedSpans: number;
  /** The latest failure, retried or not. */
  lastError?: ExportErrorDescription & { at: Date };
}

export interface ExportFailure extends ExportErrorDescription {
  /** The error as the transport gave it; may hold server text, never logged by this package. */
  error: unknown;
  spanCount: number;
}

export interface ExportReporterOptions {
  endpoint: string;
  describe(error: unknown): ExportErrorDescription;
  logger: OtlpLogger;
  /** How long retries go on, for the first message of an outage; undefined when retries are off. */
  retryBudgetMillis?: number;
  /** Called for every batch given up on. */
  onError?(failure: ExportFailure): void;
}

/**
 * Counts outcomes and tells the user about a problem once: when it first shows (as a retry or a
 * failure), again only when a different problem replaces it, and once more when exports work again.
 */
export class ExportReporter {
  private readonly counts = { exportedSpans: 0, failedSpans: 0, retriedSpans: 0 };
  private lastError: OtlpExportStats['lastError'];
  private currentProblem: ExportProblemKind | undefined;
  private spansLostInProblem = 0;

  constructor(private readonly options: ExportReporterOptions) {}

  get stats(): OtlpExportStats {
    return this.lastError === undefined ? { ...this.counts } : { ...this.counts, lastError: this.lastError };
  }

  retrying(event: RetryEvent): void {
    this.counts.retriedSpans += event.spanCount;
    const retryFor =
      this.options.retryBudgetMillis === undefined ? '' : ` Retrying for up to ${formatSeconds(this.options.retryBudgetMillis)}.`;
    this.notice(this.options.describe(event.error), retryFor);
  }

  failed(error: unknown, spanCount: number): ExportErrorDescription {
    const description = this.notice(this.options.describe(error), '');
    this.counts.failedSpans += spanCount;
    this.spansLostInProblem += spanCount;
    this.options.onError?.({ ...description, error, spanCount });
    return description;
  }

  exported(spanCount: number): void {
    this.counts.exportedSpans += spanCount;
    if (this.currentProblem === undefined) return;
    const lost = this.spansLostInProblem === 0 ? '' : `; ${this.spansLostInProblem} spans could not be delivered meanwhile`;
    this.options.logger.info(`exporting spans to the OTLP endpoint ${this.options.endpoint} works again${lost}.`);
    this.currentProblem = undefined;
    this.spansLostInProblem = 0;
  }

  private notice(description: ExportErrorDescription, suffix: string): ExportErrorDescription {
    this.lastError = { ...description, at: new Date() };
    if (description.kind !== this.currentProblem) {
      this.currentProblem = description.kind;
      this.options.logger.warn(description.message + suffix);
    }
    return description;
  }
}

function formatSeconds(millis: number): string {
  return `${Math.round(millis / 100) / 10} s`;
}
