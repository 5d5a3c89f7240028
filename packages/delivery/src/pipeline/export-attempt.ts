import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

export class ExportTimeoutError extends Error {
  override readonly name = 'ExportTimeoutError';
  constructor(millis: number) {
    super(`the exporter did not answer within ${millis} ms`);
  }
}

/**
 * One export call that always settles: with the exporter's result, with a failure when it
 * throws, or with a timeout. A late answer after the timeout is ignored (the spans may still have
 * arrived, which is why delivery is at least once).
 */
export function exportOnce(exporter: SpanExporter, spans: ReadableSpan[], timeoutMillis: number): Promise<ExportResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ExportResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => finish({ code: ExportResultCode.FAILED, error: new ExportTimeoutError(timeoutMillis) }), timeoutMillis);
    timer.unref();
    try {
      exporter.export(spans, (result) => finish(result ?? { code: ExportResultCode.FAILED }));
    } catch (error) {
      finish({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  });
}

// HTTP statuses that will not change by sending the same batch again.
const isPermanentHttpStatus = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * Whether a failed batch is worth sending again. An exporter can say so itself with a boolean
 * `retryable` on its error (as the OTLP and MLflow exporters of this project do); a 4xx HTTP
 * status other than 408 and 429 is final; anything else (connection refused or reset, timeouts,
 * 5xx, unknown errors) is retried.
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const { retryable, code } = error as { retryable?: unknown; code?: unknown };
  if (typeof retryable === 'boolean') return retryable;
  if ((error as Error).name === 'OTLPExporterError' && typeof code === 'number') return !isPermanentHttpStatus(code);
  return true;
}
