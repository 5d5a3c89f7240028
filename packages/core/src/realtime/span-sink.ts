/**
 * Where the realtime tracer's SDK-shaped traces and spans go: one processor the app names, or
 * every processor registered with the SDK (which also honours `setTracingDisabled`). Spans carry
 * their own start and end times, so a span can be handed over after the moment it ended.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  dispatchSpanEnd,
  dispatchSpanStart,
  getGlobalTraceProvider,
  Span,
  Trace,
  type SpanData,
  type SpanError,
  type TracingProcessor,
} from '@openai/agents-core';
import { openTelemetrySpanFor } from '../context/otel-context-storage.js';

const NOOP_ID = 'no-op';
const iso = (ms: number): string => new Date(ms).toISOString();

/** Never called: spans are handed to the sink, never started or ended through their own methods. */
const UNUSED_PROCESSOR: TracingProcessor = {
  onTraceStart: async () => {},
  onTraceEnd: async () => {},
  onSpanStart: async () => {},
  onSpanEnd: async () => {},
  shutdown: async () => {},
  forceFlush: async () => {},
};

export interface TraceInfo {
  name: string;
  groupId?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** A span opened in the sink: its data may still change until it ends. */
export class OpenSpan<TData extends SpanData = SpanData> {
  error: SpanError | undefined;
  ended = false;

  constructor(
    readonly traceId: string,
    readonly spanId: string,
    readonly parentId: string | undefined,
    public data: TData,
    readonly startedAt: number,
  ) {}

  sdkSpan(endedAt?: number): Span<TData> {
    return new Span<TData>(
      {
        traceId: this.traceId,
        spanId: this.spanId,
        ...(this.parentId ? { parentId: this.parentId } : {}),
        data: this.data,
        startedAt: iso(this.startedAt),
        ...(endedAt !== undefined ? { endedAt: iso(endedAt) } : {}),
        ...(this.error ? { error: this.error } : {}),
      },
      UNUSED_PROCESSOR,
    );
  }
}

export class SpanSink {
  readonly trace: Trace | undefined;
  readonly #processor: TracingProcessor | undefined;

  constructor(info: TraceInfo, processor: TracingProcessor | undefined) {
    this.#processor = processor;
    const options = { name: info.name, ...(info.groupId ? { groupId: info.groupId } : {}), metadata: info.metadata ?? {} };
    const trace = processor
      ? new Trace({ ...options, traceId: getGlobalTraceProvider().generateTraceId() }, processor)
      : getGlobalTraceProvider().createTrace(options);
    // With tracing turned off the SDK hands out a no-op trace: nothing is recorded.
    this.trace = trace.traceId === NOOP_ID ? undefined : trace;
  }

  get enabled(): boolean {
    return this.trace !== undefined;
  }

  startTrace(): void {
    void this.trace?.start().catch(() => {});
  }

  endTrace(): void {
    void this.trace?.end().catch(() => {});
  }

  startSpan<TData extends SpanData>(data: TData, parent: OpenSpan | undefined, at: number): OpenSpan<TData> | undefined {
    if (!this.trace) return undefined;
    const span = new OpenSpan(this.trace.traceId, getGlobalTraceProvider().generateSpanId(), parent?.spanId, data, at);
    const sdk = span.sdkSpan();
    void (this.#processor ? this.#processor.onSpanStart(sdk) : dispatchSpanStart(sdk)).catch(() => {});
    return span;
  }

  endSpan(span: OpenSpan | undefined, at: number): void {
    if (!span || span.ended) return;
    span.ended = true;
    const sdk = span.sdkSpan(Math.max(at, span.startedAt));
    void (this.#processor ? this.#processor.onSpanEnd(sdk) : dispatchSpanEnd(sdk)).catch(() => {});
  }

  /** Measurements and events that SDK span data cannot carry, on the OpenTelemetry span of an
   * open span. No effect when the processor is not this package's. */
  annotate(span: OpenSpan | undefined, attributes: Attributes, event?: { name: string; at: number; attributes?: Attributes }): void {
    if (!span || span.ended) return;
    const otel = openTelemetrySpanFor(span.traceId, span.spanId);
    if (!otel) return;
    if (Object.keys(attributes).length > 0) otel.setAttributes(attributes);
    if (event) otel.addEvent(event.name, event.attributes ?? {}, event.at);
  }
}
