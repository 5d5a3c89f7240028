import { addTraceProcessor, setTraceProcessors, setTracingDisabled } from '@openai/agents';
import { context, trace } from '@opentelemetry/api';
import {
  AgentsIdGenerator,
  buildSpanTree,
  flatSpanFromReadable,
  OpenTelemetryTracingProcessor,
  renderSpanTree,
  type FlatSpan,
  type OpenTelemetryTracingProcessorOptions,
  type RenderOptions,
  type SpanTreeNode,
} from '@agents-tracing/processor';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { RecordedMetrics } from './recorded-metrics.js';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface RecordAgentSpansOptions extends Omit<OpenTelemetryTracingProcessorOptions, 'tracerProvider'> {
  /**
   * Replace the SDK's other trace processors (its default OpenAI exporter) instead of adding
   * beside them. Default true: tests should not try to reach OpenAI.
   */
  replaceProcessors?: boolean;
  /**
   * Register the recorder's tracer provider and an async context manager globally, so spans the
   * code under test creates with `trace.getTracer()` (inside tools, around runs) are recorded too.
   * Default false.
   */
  registerGlobal?: boolean;
}

export interface TreeFilter {
  /** Only spans of this trace (32 hex). */
  traceId?: string;
}

/** Records every span of the agent runs it sees, in memory, for assertions. Turns the SDK's
 * tracing on (the SDK turns it off by default under `NODE_ENV=test`). */
export interface AgentSpanRecorder {
  readonly processor: OpenTelemetryTracingProcessor;
  readonly tracerProvider: BasicTracerProvider;
  /** Where the processor records its metrics (unless `metrics: false`). */
  readonly meterProvider: MeterProvider;
  /** Finished spans, in the order they ended. */
  spans(filter?: TreeFilter): FlatSpan[];
  /** The finished spans as trees (roots ordered by start time). */
  tree(filter?: TreeFilter): SpanTreeNode[];
  /** An indented text tree, siblings ordered by name so it is stable for snapshots. */
  render(filter?: TreeFilter & RenderOptions): string;
  /** Trace ids (32 hex) seen so far, in order of first appearance. */
  traceIds(): string[];
  /**
   * The metrics recorded since the start (or the last `reset()`): token usage, durations, tool
   * errors, guardrail trips, with helpers such as `tokens()` and `toolErrors()`.
   */
  metrics(): Promise<RecordedMetrics>;
  /** Forgets the spans and metrics recorded so far. */
  reset(): void;
  /** Closes open spans, detaches the processor and restores the global registrations it made. */
  stop(): Promise<void>;
}

export function recordAgentSpans(options: RecordAgentSpansOptions = {}): AgentSpanRecorder {
  const { replaceProcessors = true, registerGlobal = false, ...processorOptions } = options;
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  let contextManager: AsyncLocalStorageContextManager | undefined;
  if (registerGlobal) {
    contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(tracerProvider);
  }
  const reader = new DeltaReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const recorded = new RecordedMetrics();
  // A reset forgets what was recorded before it: that delta is collected and dropped.
  let discarding: Promise<unknown> = Promise.resolve();
  const processor = new OpenTelemetryTracingProcessor({
    ...processorOptions,
    tracerProvider,
    metrics: processorOptions.metrics === false ? false : { meterProvider, ...(typeof processorOptions.metrics === 'object' ? processorOptions.metrics : {}) },
  });
  if (replaceProcessors) setTraceProcessors([processor]);
  else addTraceProcessor(processor);
  // The SDK turns tracing off by default when NODE_ENV is "test".
  setTracingDisabled(false);

  const spans = (filter: TreeFilter = {}): FlatSpan[] => {
    processor.processPending();
    return exporter
      .getFinishedSpans()
      .map(flatSpanFromReadable)
      .filter((s) => filter.traceId === undefined || s.traceId === filter.traceId);
  };

  return {
    processor,
    tracerProvider,
    spans,
    tree: (filter) => buildSpanTree(spans(filter)),
    render: (filter = {}) => renderSpanTree(buildSpanTree(spans(filter)), { order: 'name', ...filter }),
    traceIds: () => [...new Set(spans().map((s) => s.traceId))],
    meterProvider,
    async metrics() {
      processor.processPending();
      await discarding;
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'collecting the recorded metrics failed');
      recorded.add([resourceMetrics]);
      return recorded;
    },
    reset() {
      processor.processPending();
      exporter.reset();
      recorded.clear();
      discarding = discarding.then(() => reader.collect());
    },
    async stop() {
      await processor.shutdown();
      if (replaceProcessors) setTraceProcessors([]);
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      if (registerGlobal) {
        trace.disable();
        context.disable();
        contextManager?.disable();
      }
    },
  };
}

/** Hands out what was recorded since its last collection, so a reset can drop it. */
class DeltaReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }

  protected override async onShutdown(): Promise<void> {}

  protected override async onForceFlush(): Promise<void> {}
}
