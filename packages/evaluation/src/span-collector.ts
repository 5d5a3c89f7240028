import { flatSpanFromReadable, type FlatSpan, type ReadableSpanLike } from '@agents-tracing/processor';

interface Waiter {
  resolve(spans: FlatSpan[]): void;
  timer: NodeJS.Timeout;
}

/**
 * An exporter that holds each trace's spans until its root arrives, then hands them to the one
 * case waiting for them and forgets them: memory stays bounded by the cases in flight.
 */
export class SpanCollector {
  readonly #spans = new Map<string, FlatSpan[]>();
  readonly #complete = new Map<string, FlatSpan[]>();
  readonly #waiters = new Map<string, Waiter>();

  export(spans: ReadableSpanLike[], resultCallback: (result: { code: 0 }) => void): void {
    for (const span of spans) {
      const flat = flatSpanFromReadable(span);
      const list = this.#spans.get(flat.traceId) ?? [];
      list.push(flat);
      if (flat.parentSpanId !== undefined) {
        this.#spans.set(flat.traceId, list);
        continue;
      }
      this.#spans.delete(flat.traceId);
      const waiter = this.#waiters.get(flat.traceId);
      if (waiter) {
        clearTimeout(waiter.timer);
        this.#waiters.delete(flat.traceId);
        waiter.resolve(list);
      } else {
        this.#complete.set(flat.traceId, list);
      }
    }
    resultCallback({ code: 0 });
  }

  /** The trace's spans once its root ended; what arrived so far after `timeoutMillis`. */
  take(traceId: string, timeoutMillis: number): Promise<FlatSpan[]> {
    const done = this.#complete.get(traceId);
    if (done) {
      this.#complete.delete(traceId);
      return Promise.resolve(done);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(traceId);
        const partial = this.#spans.get(traceId) ?? [];
        this.#spans.delete(traceId);
        resolve(partial);
      }, timeoutMillis);
      this.#waiters.set(traceId, { resolve, timer });
    });
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.#spans.clear();
    this.#complete.clear();
  }
}
