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
  type ReadableSpanLike,
  type RenderOptions,
  type SpanTreeNode,
} from '@agents-tracing/processor';
import { RecordedMetrics } from './recorded-metrics.js';
import { loadContextManager, loadMetricsRecorder, loadTracerProvider, type RecorderTracerProvider } from './sdk.js';

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
  /** The tracer provider of the OpenTelemetry SDK the app has installed (SDK 3, else SDK 2). */
  readonly tracerProvider: RecorderTracerProvider;
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
   * errors, guardrail trips, with helpers such as `tokens()` and `toolErrors()`. Needs
   * `@opentelemetry/sdk-metrics` installed beside the tracing SDK.
   */
  metrics(): Promise<RecordedMetrics>;
  /** Forgets the spans and metrics recorded so far. */
  reset(): void;
  /** Closes open spans, detaches the processor and restores the global registrations it made. */
  stop(): Promise<void>;
}

export function recordAgentSpans(options: RecordAgentSpansOptions = {}): AgentSpanRecorder {
  const { replaceProcessors = true, registerGlobal = false, ...processorOptions } = options;
  let finished: ReadableSpanLike[] = [];
  const tracerProvider = loadTracerProvider({
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: [collectingProcessor((span) => finished.push(span))],
  });
  let contextManager: ReturnType<typeof loadContextManager> | undefined;
  if (registerGlobal) {
    contextManager = loadContextManager();
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(tracerProvider);
  }
  const metricsRecorder = processorOptions.metrics === false ? undefined : loadMetricsRecorder();
  const recorded = new RecordedMetrics();
  // A reset forgets what was recorded before it: that delta is collected and dropped.
  let discarding: Promise<unknown> = Promise.resolve();
  const processor = new OpenTelemetryTracingProcessor({
    ...processorOptions,
    tracerProvider,
    ...(metricsRecorder
      ? { metrics: { ...(typeof processorOptions.metrics === 'object' ? processorOptions.metrics : {}), meterProvider: metricsRecorder.meterProvider } }
      : {}),
  });
  if (replaceProcessors) setTraceProcessors([processor]);
  else addTraceProcessor(processor);
  // The SDK turns tracing off by default when NODE_ENV is "test".
  setTracingDisabled(false);

  const spans = (filter: TreeFilter = {}): FlatSpan[] => {
    processor.processPending();
    return finished
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
    async metrics() {
      if (!metricsRecorder) {
        throw new Error(
          processorOptions.metrics === false
            ? 'this recorder was made with metrics: false'
            : 'recording metrics needs @opentelemetry/sdk-metrics: add it to your devDependencies.',
        );
      }
      processor.processPending();
      await discarding;
      recorded.add(await metricsRecorder.collect());
      return recorded;
    },
    reset: () => {
      processor.processPending();
      finished = [];
      recorded.clear();
      if (metricsRecorder) discarding = discarding.then(() => metricsRecorder.collect());
    },
    async stop() {
      await processor.shutdown();
      if (replaceProcessors) setTraceProcessors([]);
      await tracerProvider.shutdown();
      await metricsRecorder?.meterProvider.shutdown();
      if (registerGlobal) {
        trace.disable();
        context.disable();
        contextManager?.disable();
      }
    },
  };
}

/** A span processor that keeps every ended span; plain enough to fit either SDK line. */
function collectingProcessor(keep: (span: ReadableSpanLike) => void) {
  return {
    onStart() {},
    onEnd: keep,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
