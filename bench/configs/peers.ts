import { OpenInferenceTracingProcessor } from '@arizeai/openinference-instrumentation-openai-agents';
import { OpenAIAgentsTraceProcessor } from '@braintrust/openai-agents';
import type { TracingProcessor } from '@openai/agents';
import { _exportsForTestingOnly, initLogger } from 'braintrust';
import type { TracerProvider } from '@opentelemetry/api';

/**
 * Arize's processor on a tracer provider of ours. Registering it with `setTraceProcessors` is what
 * its `manuallyInstrument(agents)` does in its default (exclusive) mode.
 */
export const arizeProcessor = (tracerProvider: TracerProvider): TracingProcessor =>
  new OpenInferenceTracingProcessor({ tracerProvider });

export interface BraintrustSink {
  /** Log rows recorded since the last drain. */
  drain(): Promise<number>;
  logger: ReturnType<typeof initLogger>;
}

let sink: Promise<BraintrustSink> | undefined;

/**
 * Braintrust has no exporter seam: its logger sends to its service. Without network, its own
 * test hooks stand in: a simulated login and an in-memory background logger that keeps the rows
 * the processor logs (the counterpart of an in-memory span exporter).
 */
export function braintrustSink(): Promise<BraintrustSink> {
  sink ??= (async () => {
    await _exportsForTestingOnly.simulateLoginForTests();
    const background = _exportsForTestingOnly.useTestBackgroundLogger();
    const logger = initLogger({ projectName: 'agents-tracing-bench', projectId: 'agents-tracing-bench' });
    return { logger, drain: async () => (await background.drain()).length };
  })();
  return sink;
}

export function braintrustProcessor(logger: BraintrustSink['logger']): TracingProcessor {
  // Its callbacks take the SDK's span and trace types through its own structural copies of them.
  return new OpenAIAgentsTraceProcessor({ logger: logger as never }) as unknown as TracingProcessor;
}
