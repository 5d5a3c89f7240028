import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** A SpanExporter that answers each export with the next scripted error (or success when the script runs out). */
export class ScriptedExporter implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  shutdownCalls = 0;

  constructor(private readonly failures: unknown[] = []) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.batches.push(spans);
    const failure = this.failures.shift();
    const result: ExportResult =
      failure === undefined ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: failure as Error };
    queueMicrotask(() => resultCallback(result));
  }

  async shutdown(): Promise<void> {
    this.shutdownCalls++;
  }
}

/** A clock that only moves when the code under test sleeps, recording each wait. */
export class FakeClock {
  time = 1_000_000;
  readonly sleeps: number[] = [];

  readonly now = () => this.time;

  readonly sleep = async (millis: number, signal: AbortSignal): Promise<void> => {
    signal.throwIfAborted();
    this.sleeps.push(millis);
    this.time += millis;
  };
}

/** A wait that lasts until the signal aborts it, as a real backoff would during shutdown. */
export function sleepUntilAborted(started: () => void) {
  return (_millis: number, signal: AbortSignal) =>
    new Promise<void>((_resolve, reject) => {
      started();
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
}
