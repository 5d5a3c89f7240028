import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';

/** Finished spans named `${prefix}-0`, `${prefix}-1`, … in one trace; real SDK spans, as a span processor hands them over. */
export function makeSpans(count: number, prefix = 'span'): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('exporter-otlp-test');
  tracer.startActiveSpan(`${prefix}-0`, (root) => {
    for (let i = 1; i < count; i++) tracer.startSpan(`${prefix}-${i}`).end();
    root.end();
  });
  return memory.getFinishedSpans();
}
