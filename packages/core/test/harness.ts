import { getGlobalTraceProvider, setTraceProcessors, setTracingDisabled, type Trace } from '@openai/agents-core';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { AgentsIdGenerator } from '../src/ids.js';
import { OpenTelemetryTracingProcessor, type OpenTelemetryTracingProcessorOptions } from '../src/processor.js';
import { flatSpanFromReadable } from '../src/tree/readable-span.js';
import { buildSpanTree, type FlatSpan } from '../src/tree/span-tree.js';

/** A processor wired to an in-memory exporter and registered as the SDK's only processor. */
export function harness(options: OpenTelemetryTracingProcessorOptions = {}) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const processor = new OpenTelemetryTracingProcessor({ nestToolSpans: false, ...options, tracerProvider });
  setTraceProcessors([processor]);
  setTracingDisabled(false);
  const spans = (): FlatSpan[] => {
    processor.processPending();
    return exporter.getFinishedSpans().map(flatSpanFromReadable);
  };
  return {
    processor,
    spans,
    /** Names of the spans exported so far, without finishing queued ones. */
    exportedNames: () => exporter.getFinishedSpans().map((s) => s.name),
    tree: () => buildSpanTree(spans()),
    byName: (name: string) => spans().find((s) => s.name === name),
    newTrace: (name = 'Workflow', extra: Partial<Parameters<ReturnType<typeof getGlobalTraceProvider>['createTrace']>[0]> = {}): Trace =>
      getGlobalTraceProvider().createTrace({ name, ...extra }),
    async stop() {
      await processor.shutdown();
      setTraceProcessors([]);
    },
  };
}
