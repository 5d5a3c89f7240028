import type { Span, SpanData, Trace, TracingProcessor } from '@openai/agents';

/**
 * Wraps a processor and adds up the time spent inside its callbacks: the part of its cost the SDK
 * pays inline on every span (for async callbacks, up to their first `await`).
 */
export class TimedProcessor implements TracingProcessor {
  #ms = 0;

  constructor(readonly inner: TracingProcessor) {}

  /** Milliseconds spent in callbacks since the last call. */
  takeMs(): number {
    const ms = this.#ms;
    this.#ms = 0;
    return ms;
  }

  onTraceStart(trace: Trace): Promise<void> {
    const began = performance.now();
    const result = this.inner.onTraceStart(trace);
    this.#ms += performance.now() - began;
    return result;
  }

  onTraceEnd(trace: Trace): Promise<void> {
    const began = performance.now();
    const result = this.inner.onTraceEnd(trace);
    this.#ms += performance.now() - began;
    return result;
  }

  onSpanStart(span: Span<SpanData>): Promise<void> {
    const began = performance.now();
    const result = this.inner.onSpanStart(span);
    this.#ms += performance.now() - began;
    return result;
  }

  onSpanEnd(span: Span<SpanData>): Promise<void> {
    const began = performance.now();
    const result = this.inner.onSpanEnd(span);
    this.#ms += performance.now() - began;
    return result;
  }

  shutdown(timeout?: number): Promise<void> {
    return this.inner.shutdown(timeout);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
}
