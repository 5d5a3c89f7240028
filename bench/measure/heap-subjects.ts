import { OpenTelemetryTracingProcessor } from '@agents-tracing/processor';
import type { ConfigId } from '../configs/index.js';
import { arizeProcessor, braintrustProcessor, braintrustSink, inMemoryPipeline, noopProcessor } from '../configs/index.js';
import type { HeapSubject } from './heap.js';

export interface HeapCandidate {
  config: ConfigId;
  label: string;
  make(): HeapSubject;
}

/** Fresh processors, each on its own in-memory pipeline, for the open-spans heap measurement. */
export async function heapCandidates(): Promise<HeapCandidate[]> {
  const braintrust = await braintrustSink();
  return [
    { config: 'noop', label: 'no-op processor', make: () => ({ processor: noopProcessor, dispose: async () => {} }) },
    {
      config: 'ours',
      label: 'ours, simple + in-memory',
      make() {
        const pipe = inMemoryPipeline('simple');
        const processor = new OpenTelemetryTracingProcessor({ tracerProvider: pipe.provider, nestToolSpans: false });
        return {
          processor,
          async dispose() {
            await processor.shutdown();
            await pipe.provider.shutdown();
          },
        };
      },
    },
    {
      config: 'arize',
      label: 'Arize OpenInference, simple + in-memory',
      make() {
        const pipe = inMemoryPipeline('simple');
        return { processor: arizeProcessor(pipe.provider), dispose: () => pipe.provider.shutdown() };
      },
    },
    {
      config: 'braintrust',
      label: 'Braintrust, in-memory test logger',
      make: () => ({
        processor: braintrustProcessor(braintrust.logger),
        dispose: async () => {
          await braintrust.drain();
        },
      }),
    },
  ];
}
