import { OpenTelemetryTracingProcessor, openTelemetryContextStorage, type OpenTelemetryTracingProcessorOptions } from '@agents-tracing/processor';
import { createOtlpSpanExporter } from '@agents-tracing/exporter-otlp';
import {
  setTraceProcessors,
  setTracingContextStorage,
  setTracingDisabled,
  type TracingProcessor,
} from '@openai/agents';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { arizeProcessor, braintrustProcessor, braintrustSink } from './peers.js';
import { inMemoryPipeline, pipeline, type Pipeline } from './pipelines.js';
import { TimedProcessor } from './timed-processor.js';
import type { ConfigId, TracingConfig } from './types.js';

export type { ConfigId, TracingConfig } from './types.js';
export {
  BENCH_SERVICE_NAME,
  CountingExporter,
  inMemoryPipeline,
  pipeline,
  type Pipeline,
  type PipelineOptions,
  type Processing,
} from './pipelines.js';
export { arizeProcessor, braintrustProcessor, braintrustSink } from './peers.js';

const RESOLVED = Promise.resolve();

/** Does nothing, as cheaply as a processor can: what remains is the SDK's own cost of tracing. */
export const noopProcessor: TracingProcessor = {
  onTraceStart: () => RESOLVED,
  onTraceEnd: () => RESOLVED,
  onSpanStart: () => RESOLVED,
  onSpanEnd: () => RESOLVED,
  shutdown: () => RESOLVED,
  forceFlush: () => RESOLVED,
};

interface Parts {
  id: ConfigId;
  label: string;
  processor: TracingProcessor | undefined;
  pipeline?: Pipeline;
  activate?: () => void;
  deactivate?: () => void;
  release?: () => Promise<void>;
  delivered?: () => Promise<number>;
}

function config(parts: Parts): TracingConfig {
  const { pipeline: pipe } = parts;
  // Every processor, the no-op one too, is timed the same way, so the timing's own cost cancels
  // out of (configuration − no-op).
  const processor = parts.processor ? new TimedProcessor(parts.processor) : undefined;
  return {
    id: parts.id,
    label: parts.label,
    processor,
    takeCallbackMs: () => processor?.takeMs() ?? 0,
    activate() {
      setTracingDisabled(processor === undefined);
      setTraceProcessors(processor ? [processor] : []);
      parts.activate?.();
    },
    deactivate: () => parts.deactivate?.(),
    release: parts.release ?? (async () => pipe?.clear()),
    delivered:
      parts.delivered ??
      (async () => {
        if (!pipe) return 0;
        // The processor first: it may hold spans it finishes on a later event-loop turn.
        await processor?.forceFlush();
        await pipe.provider.forceFlush();
        return pipe.sink.exported;
      }),
    async shutdown() {
      await processor?.shutdown();
      await pipe?.provider.shutdown();
    },
  };
}

const ours = (pipe: Pipeline, options: Pick<OpenTelemetryTracingProcessorOptions, 'metrics' | 'captureContent'> = {}) =>
  new OpenTelemetryTracingProcessor({ tracerProvider: pipe.provider, nestToolSpans: false, ...options });

/** An SDK meter provider that aggregates every recording, as an app exporting metrics has. */
function benchMeterProvider(): MeterProvider {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  return new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })] });
}

export interface ConfigOptions {
  /** OTLP/HTTP base of a running Jaeger; without it the Jaeger configuration is left out. */
  jaegerOtlpHttpUrl?: string;
}

export async function buildConfigs(options: ConfigOptions = {}): Promise<TracingConfig[]> {
  const configs: TracingConfig[] = [
    config({ id: 'disabled', label: 'tracing disabled', processor: undefined }),
    config({ id: 'noop', label: 'no-op processor (SDK cost)', processor: noopProcessor }),
  ];

  const simple = inMemoryPipeline('simple');
  configs.push(config({ id: 'ours', label: 'ours, simple + in-memory', processor: ours(simple), pipeline: simple }));

  // "ours" records metrics into the global meter provider, a no-op here; these two measure the
  // metrics' own cost: into a real SDK meter provider, and switched off.
  const withMeters = inMemoryPipeline('simple');
  const meterProvider = benchMeterProvider();
  configs.push(
    config({
      id: 'ours-metrics',
      label: 'ours, metrics into an SDK meter provider',
      processor: ours(withMeters, { metrics: { meterProvider } }),
      pipeline: withMeters,
    }),
  );
  const metricsOff = inMemoryPipeline('simple');
  configs.push(config({ id: 'ours-metrics-off', label: 'ours, metrics off', processor: ours(metricsOff, { metrics: false }), pipeline: metricsOff }));

  // Without content there are no messages to convert, bound and scrub: the difference is what
  // recording the conversation costs.
  const contentOff = inMemoryPipeline('simple');
  configs.push(
    config({ id: 'ours-content-off', label: 'ours, content capture off', processor: ours(contentOff, { captureContent: false }), pipeline: contentOff }),
  );

  const batch = inMemoryPipeline('batch');
  configs.push(config({ id: 'ours-batch', label: 'ours, batch + in-memory', processor: ours(batch), pipeline: batch }));

  // What NodeSDK or `provider.register()` gives: a global async context manager, with which the
  // processor backs the SDK's context by OpenTelemetry's so spans made in tools nest.
  const nested = inMemoryPipeline('simple');
  const contextManager = new AsyncLocalStorageContextManager();
  configs.push(
    config({
      id: 'ours-nested',
      label: 'ours, tool-span nesting on',
      processor: ours(nested),
      pipeline: nested,
      activate() {
        context.setGlobalContextManager(contextManager.enable());
        setTracingContextStorage(openTelemetryContextStorage);
      },
      deactivate() {
        setTracingContextStorage(undefined);
        context.disable();
      },
    }),
  );

  if (options.jaegerOtlpHttpUrl) {
    const exporter = createOtlpSpanExporter({
      protocol: 'http/protobuf',
      endpoint: `${options.jaegerOtlpHttpUrl}/v1/traces`,
    });
    const toJaeger = pipeline(exporter, 'batch', { serviceName: 'agents-tracing-bench-hot-path' });
    configs.push(
      config({ id: 'ours-jaeger', label: 'ours, batch + OTLP → Jaeger', processor: ours(toJaeger), pipeline: toJaeger }),
    );
  }

  const arize = inMemoryPipeline('simple');
  configs.push(
    config({ id: 'arize', label: 'Arize OpenInference, simple + in-memory', processor: arizeProcessor(arize.provider), pipeline: arize }),
  );

  const braintrust = await braintrustSink();
  let braintrustRows = 0;
  configs.push(
    config({
      id: 'braintrust',
      label: 'Braintrust, in-memory test logger',
      processor: braintrustProcessor(braintrust.logger),
      release: async () => {
        braintrustRows += await braintrust.drain();
      },
      delivered: async () => {
        braintrustRows += await braintrust.drain();
        return braintrustRows;
      },
    }),
  );
  return configs;
}
