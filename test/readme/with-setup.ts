import { Agent, run } from '@openai/agents';
import { setupAgentTracing } from '@agents-tracing/delivery';

export async function answer(agent: Agent, question: string): Promise<unknown> {
  // Picks OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, MLflow when MLFLOW_TRACKING_URI is set;
  // with neither, prints each trace as a tree and appends it to traces/agent-traces.otlp.jsonl.
  const tracing = await setupAgentTracing({ serviceName: 'support-bot' });
  try {
    const result = await run(agent, question);
    return result.finalOutput;
  } finally {
    await tracing.shutdown();
  }
}
