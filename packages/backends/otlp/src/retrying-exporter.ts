import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { backoffDelay, resolveRetryPolicy } from './backoff.js';
import type { RetryOptions } from './options.js';

export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  delayMillis: number;
  /** Why the attempt before it failed. */
  error: unknown;
  spanCount: number;
}

export interface RetryingExporterOptions extends RetryOptions {
  /** Which failures are worth another attempt. */
  isRetryable(error: unknown): boolean;
  onRetry?(event: RetryEvent): void;
  /** Injectable for tests: a source of [0, 1), a clock, and a wait that the signal cuts short. */
  random?: () => number;
  now?: () => number;
  sleep?: (millis: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Wraps any SpanExporter so a batch that fails with a retryable error is sent again, with
 * exponential backoff and full jitter, until it succeeds, fails for good, or the retry budget is
 * spent. shutdown() cuts every wait short, so it never waits for a backoff or for a request.
 */
export function withRetries(exporter: SpanExporter, options: RetryingExporterOptions): SpanExporter {
  return new RetryingSpanExporter(exporter, options);
}

class RetryingSpanExporter implements SpanExporter {
  private readonly policy;
  private readonly random;
  private readonly now;
  private readonly sleep;
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly inner: SpanExporter,
    private readonly options: RetryingExporterOptions,
  ) {
    this.policy = resolveRetryPolicy(options);
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((millis, signal) => sleepFor(millis, undefined, { signal }));
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopping.signal.aborted) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('The exporter is shut down.') });
      return;
    }
    const done = this.exportWithRetries(spans).then(resultCallback);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.inner.forceFlush?.();
  }

  /** Cuts backoff waits short and shuts the inner exporter down, which aborts what it still has out. */
  async shutdown(): Promise<void> {
    this.stopping.abort();
    await this.inner.shutdown();
    await Promise.all(this.inFlight);
  }

  private async exportWithRetries(spans: ReadableSpan[]): Promise<ExportResult> {
    const deadline = this.now() + this.policy.maxElapsedMillis;
    for (let retry = 1; ; retry++) {
      const result = await exportOnce(this.inner, spans);
      if (result.code === ExportResultCode.SUCCESS || !this.options.isRetryable(result.error)) return result;
      const remaining = deadline - this.now();
      if (remaining <= 0 || this.stopping.signal.aborted) return result;

      const delayMillis = Math.min(backoffDelay(retry, this.policy, this.random), remaining);
      this.options.onRetry?.({ retry, delayMillis, error: result.error, spanCount: spans.length });
      try {
        await this.sleep(delayMillis, this.stopping.signal);
      } catch {
        return result; // shut down while waiting
      }
    }
  }
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => {
    try {
      exporter.export(spans, resolve);
    } catch (error) {
      resolve({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  });
}
