import { AgentsIdGenerator } from '@agents-tracing/processor';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type BufferConfig,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

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
  readonly provider: BasicTracerProvider;
  readonly spanProcessor: SpanProcessor;
  readonly sink: CountingExporter;
  /** Clears an in-memory sink; a no-op for other sinks. */
  clear(): void;
}

/**
 * A tracer provider as an app would build one: the processor's id generator (so OTel ids are the
 * SDK's), one span processor, one exporter. The same construction serves ours and the peers.
 */
export function pipeline(
  exporter: SpanExporter,
  processing: 'simple' | 'batch',
  options: { serviceName?: string; batch?: BufferConfig } = {},
): Pipeline {
  const sink = new CountingExporter(exporter);
  const spanProcessor =
    processing === 'simple' ? new SimpleSpanProcessor(sink) : new BatchSpanProcessor(sink, options.batch);
  const provider = new BasicTracerProvider({
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
