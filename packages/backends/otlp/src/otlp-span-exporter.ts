import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { ExportProblemKind } from './classify-error.js';
import type { ExportErrorDescription } from './describe-error.js';
import type { ExportReporter, OtlpExportStats } from './export-reporter.js';
import type { OtlpProtocol } from './options.js';

export interface OtlpSpanExporter extends SpanExporter {
  readonly protocol: OtlpProtocol;
  /** Where spans go, as shown in messages (credentials masked). */
  readonly endpoint: string;
  getStats(): OtlpExportStats;
}

/**
 * The error a failed export reports to the span processor (which logs it for every batch): the
 * actionable message only, so no raw transport error, server text or header value travels on.
 */
export class OtlpExportError extends Error {
  override readonly name = 'OtlpExportError';
  readonly kind: ExportProblemKind;
  readonly retryable: boolean;

  constructor(description: ExportErrorDescription) {
    super(description.message);
    this.kind = description.kind;
    this.retryable = description.retryable;
  }
}

/** Counts and reports what happens to each batch the inner exporter sends. */
export class ReportingSpanExporter implements OtlpSpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly reporter: ExportReporter,
    readonly protocol: OtlpProtocol,
    readonly endpoint: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.reporter.exported(spans.length);
        resultCallback(result);
        return;
      }
      const description = this.reporter.failed(result.error, spans.length);
      resultCallback({ code: ExportResultCode.FAILED, error: new OtlpExportError(description) });
    });
  }

  getStats(): OtlpExportStats {
    return this.reporter.stats;
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
