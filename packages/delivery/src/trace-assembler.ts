import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * Groups exported spans by trace and hands a trace over once its root (the span without a
 * parent) has arrived: the root ends last, so the trace is then complete. Bounded: past
 * `maxPendingTraces`, the oldest incomplete trace is handed over as it is.
 */
export class TraceAssembler {
  readonly #pending = new Map<string, ReadableSpan[]>();

  constructor(
    private readonly onTrace: (spans: ReadableSpan[]) => void,
    private readonly maxPendingTraces = 1000,
  ) {}

  add(spans: readonly ReadableSpan[]): void {
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      let list = this.#pending.get(traceId);
      if (!list) {
        list = [];
        this.#pending.set(traceId, list);
        if (this.#pending.size > this.maxPendingTraces) this.#emitOldest();
      }
      list.push(span);
      if (!span.parentSpanContext) {
        this.#pending.delete(traceId);
        this.onTrace(list);
      }
    }
  }

  /** Hands over every incomplete trace (at shutdown). */
  drain(): void {
    while (this.#pending.size > 0) this.#emitOldest();
  }

  #emitOldest(): void {
    const [traceId, spans] = this.#pending.entries().next().value ?? [];
    if (traceId === undefined || !spans) return;
    this.#pending.delete(traceId);
    this.onTrace(spans);
  }
}
