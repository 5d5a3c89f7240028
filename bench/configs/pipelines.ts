import { AgentsIdGenerator } from '@agents-tracing/processor';
import { DeliverySpanProcessor, type BatchSettings, type DeliveryOptions } from '@agents-tracing/delivery';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  TracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

export const BENCH_SERVICE_NAME = 'agents-tracing-bench';

/** Counts the spans its inner exporter accepted. */
export class CountingExporter implements SpanExporter {
  exported = 0;
  failed = 0;

  constructor(readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.exported += spans.length;
      else this.failed += spans.length;
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

export interface Pipeline {
  readonly provider: TracerProvider;
  readonly spanProcessor: SpanProcessor;
  readonly sink: CountingExporter;
  /** Clears an in-memory sink; a no-op for other sinks. */
  clear(): void;
}

/**
 * How finished spans reach the exporter: OpenTelemetry's simple or batch span processor, or the
 * delivery processor `setupAgentTracing` builds (bounded queue, batches, retries).
 */
export type Processing = 'simple' | 'batch' | 'delivery';

export interface PipelineOptions {
  serviceName?: string;
  batch?: BatchSettings;
  delivery?: DeliveryOptions;
}

function spanProcessorFor(sink: SpanExporter, processing: Processing, options: PipelineOptions): SpanProcessor {
  if (processing === 'simple') return new SimpleSpanProcessor({ exporter: sink });
  if (processing === 'batch') return new BatchSpanProcessor({ exporter: sink, ...options.batch });
  return new DeliverySpanProcessor(sink, { name: 'bench', ...options.delivery });
}

/**
 * A tracer provider as an app would build one: the processor's id generator (so OTel ids are the
 * SDK's), one span processor, one exporter. The same construction serves ours and the peers.
 */
export function pipeline(exporter: SpanExporter, processing: Processing, options: PipelineOptions = {}): Pipeline {
  const sink = new CountingExporter(exporter);
  const spanProcessor = spanProcessorFor(sink, processing, options);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? BENCH_SERVICE_NAME }),
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: [spanProcessor],
  });
  return {
    provider,
    spanProcessor,
    sink,
    clear: () => {
      if (exporter instanceof InMemorySpanExporter) exporter.reset();
    },
  };
}

export const inMemoryPipeline = (processing: 'simple' | 'batch'): Pipeline =>
  pipeline(new InMemorySpanExporter(), processing);
