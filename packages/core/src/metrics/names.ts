/**
 * The metrics the processor records: GenAI semantic-convention instruments (names, units and
 * bucket boundaries as `open-telemetry/semantic-conventions-genai` gives them, status Development)
 * and two `openai.agents.*` counters for what the conventions do not cover (guardrails, handoffs).
 */

/** Doubling from 10 ms to 81.92 s: model calls and tool executions. */
const OPERATION_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** Doubling from 100 ms to 409.6 s: one agent invocation. */
const AGENT_SECONDS = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6];
/** 1 s to 2 h: one workflow (one `run()`). */
const WORKFLOW_SECONDS = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
/** Powers of four from 1 to 67,108,864 tokens. */
const TOKENS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** Doubling from 1 to 128 calls per agent invocation. */
const CALLS = [1, 2, 4, 8, 16, 32, 64, 128];

export interface HistogramDefinition {
  readonly kind: 'histogram';
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly boundaries: readonly number[];
}

export interface CounterDefinition {
  readonly kind: 'counter';
  readonly name: string;
  readonly unit: string;
  readonly description: string;
}

export type MetricDefinition = HistogramDefinition | CounterDefinition;

const histogram = (name: string, unit: string, description: string, boundaries: readonly number[]): HistogramDefinition => ({
  kind: 'histogram',
  name,
  unit,
  description,
  boundaries,
});
const counter = (name: string, unit: string, description: string): CounterDefinition => ({ kind: 'counter', name, unit, description });

export const GEN_AI_METRICS = {
  TOKEN_USAGE: histogram('gen_ai.client.token.usage', '{token}', 'Number of input and output tokens used.', TOKENS),
  OPERATION_DURATION: histogram('gen_ai.client.operation.duration', 's', 'GenAI operation duration.', OPERATION_SECONDS),
  INPUT_TOKENS: counter('gen_ai.client.inference.usage.input_tokens', '{token}', 'The number of input (prompt) tokens used, including cached tokens.'),
  OUTPUT_TOKENS: counter('gen_ai.client.inference.usage.output_tokens', '{token}', 'The number of output (completion) tokens used, including reasoning tokens.'),
  CACHE_READ_INPUT_TOKENS: counter('gen_ai.client.inference.usage.cache_read.input_tokens', '{token}', 'The number of input tokens served from a provider-managed cache.'),
  CACHE_WRITE_INPUT_TOKENS: counter('gen_ai.client.inference.usage.cache_write.input_tokens', '{token}', 'The number of input tokens written to a provider-managed cache.'),
  REASONING_OUTPUT_TOKENS: counter('gen_ai.client.inference.usage.reasoning.output_tokens', '{token}', 'The number of output tokens used for reasoning.'),
  WORKFLOW_DURATION: histogram('gen_ai.workflow.duration', 's', 'GenAI workflow duration: one agent run.', WORKFLOW_SECONDS),
  AGENT_DURATION: histogram('gen_ai.invoke_agent.duration', 's', 'The end-to-end duration of a single agent invocation.', AGENT_SECONDS),
  AGENT_INFERENCE_CALLS: histogram('gen_ai.invoke_agent.inference_calls', '{inference_call}', 'Model calls made by one agent invocation.', CALLS),
  AGENT_TOOL_CALLS: histogram('gen_ai.invoke_agent.tool_calls', '{tool_call}', 'Tool calls made by one agent invocation.', CALLS),
  TOOL_DURATION: histogram('gen_ai.execute_tool.duration', 's', 'The duration of a single tool execution.', OPERATION_SECONDS),
  GUARDRAIL_EVALUATIONS: counter('openai.agents.guardrail.evaluations', '{evaluation}', 'Guardrail evaluations; a tripwire has openai.agents.guardrail.triggered=true.'),
  HANDOFFS: counter('openai.agents.handoffs', '{handoff}', 'Handoffs from one agent to another.'),
} as const satisfies Record<string, MetricDefinition>;

export type GenAiMetricKey = keyof typeof GEN_AI_METRICS;

/** `gen_ai.token.type` values on `gen_ai.client.token.usage`. */
export const TOKEN_TYPE = { KEY: 'gen_ai.token.type', INPUT: 'input', OUTPUT: 'output' } as const;
/** `gen_ai.token.modality`: the SDK's usage is not broken down by modality. */
export const TOKEN_MODALITY = { KEY: 'gen_ai.token.modality', UNKNOWN: 'unknown' } as const;
