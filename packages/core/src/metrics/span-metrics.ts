import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { AGENTS, ATTR_ERROR_TYPE, GEN_AI } from '../attributes.js';
import { TOKEN_MODALITY, TOKEN_TYPE, type GenAiMetricKey } from './names.js';

/** One value to record on one instrument. */
export interface MetricPoint {
  readonly metric: GenAiMetricKey;
  readonly value: number;
  readonly attributes: Attributes;
}

/** What the processor knows about a span once it has finished it. */
export interface FinishedSpan {
  /** The SDK span type (`response`, `function`, …). */
  readonly type: string;
  /** The span's final attributes, exactly as exported. */
  readonly attributes: Attributes;
  readonly durationSeconds: number;
  /** `error.type` of a span that ended with an error. */
  readonly errorType?: string;
  /** For an agent span: the model and tool calls it made itself (not its sub-agents'). */
  readonly calls?: { readonly inference: number; readonly tool: number };
}

/** Copies the listed attributes that are set; never ids, never content. */
function pick(from: Attributes, keys: readonly string[]): Attributes {
  const picked: Attributes = {};
  for (const key of keys) {
    const value: AttributeValue | undefined = from[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') picked[key] = value;
  }
  return picked;
}

const withError = (attributes: Attributes, errorType: string | undefined): Attributes =>
  errorType === undefined ? attributes : { ...attributes, [ATTR_ERROR_TYPE]: errorType };

const tokenCount = (attributes: Attributes, key: string): number | undefined => {
  const value = attributes[key];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
};

const MODEL_KEYS = [GEN_AI.OPERATION_NAME, GEN_AI.PROVIDER_NAME, GEN_AI.REQUEST_MODEL, GEN_AI.RESPONSE_MODEL];
const TOOL_KEYS = [GEN_AI.TOOL_NAME, GEN_AI.TOOL_TYPE, GEN_AI.AGENT_NAME];
const AGENT_KEYS = [GEN_AI.AGENT_NAME, GEN_AI.PROVIDER_NAME];
const GUARDRAIL_KEYS = [AGENTS.GUARDRAIL_NAME, AGENTS.GUARDRAIL_TRIGGERED, GEN_AI.AGENT_NAME];
const HANDOFF_KEYS = [AGENTS.HANDOFF_FROM, AGENTS.HANDOFF_TO];

/**
 * The metric points of one finished span: a pure function of what the span itself carries, so
 * the metrics always agree with the traces.
 */
export function metricPointsFor(span: FinishedSpan): MetricPoint[] {
  switch (span.type) {
    case 'response':
    case 'generation':
      return modelCallPoints(span);
    case 'function':
      return [{ metric: 'TOOL_DURATION', value: span.durationSeconds, attributes: withError(pick(span.attributes, TOOL_KEYS), span.errorType) }];
    case 'agent':
      return agentPoints(span);
    case 'task':
      return [
        {
          metric: 'WORKFLOW_DURATION',
          value: span.durationSeconds,
          attributes: withError(pick(span.attributes, [GEN_AI.WORKFLOW_NAME]), span.errorType),
        },
      ];
    case 'guardrail':
      return [{ metric: 'GUARDRAIL_EVALUATIONS', value: 1, attributes: pick(span.attributes, GUARDRAIL_KEYS) }];
    case 'handoff':
      return [{ metric: 'HANDOFFS', value: 1, attributes: pick(span.attributes, HANDOFF_KEYS) }];
    default:
      return [];
  }
}

function modelCallPoints(span: FinishedSpan): MetricPoint[] {
  const base = pick(span.attributes, MODEL_KEYS);
  const points: MetricPoint[] = [
    { metric: 'OPERATION_DURATION', value: span.durationSeconds, attributes: withError(base, span.errorType) },
  ];
  const input = tokenCount(span.attributes, GEN_AI.USAGE_INPUT_TOKENS);
  const output = tokenCount(span.attributes, GEN_AI.USAGE_OUTPUT_TOKENS);
  // The distribution only where the provider reported a count, as the conventions ask.
  if (input !== undefined) points.push({ metric: 'TOKEN_USAGE', value: input, attributes: { ...base, [TOKEN_TYPE.KEY]: TOKEN_TYPE.INPUT } });
  if (output !== undefined) points.push({ metric: 'TOKEN_USAGE', value: output, attributes: { ...base, [TOKEN_TYPE.KEY]: TOKEN_TYPE.OUTPUT } });
  // The usage counters for every call, 0 when no usage came back (a failed call).
  const usage = { ...base, [TOKEN_MODALITY.KEY]: TOKEN_MODALITY.UNKNOWN };
  points.push({ metric: 'INPUT_TOKENS', value: input ?? 0, attributes: usage });
  points.push({ metric: 'OUTPUT_TOKENS', value: output ?? 0, attributes: usage });
  const details = [
    ['CACHE_READ_INPUT_TOKENS', GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS],
    ['CACHE_WRITE_INPUT_TOKENS', GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS],
    ['REASONING_OUTPUT_TOKENS', GEN_AI.USAGE_REASONING_OUTPUT_TOKENS],
  ] as const;
  for (const [metric, key] of details) {
    const value = tokenCount(span.attributes, key);
    if (value !== undefined) points.push({ metric, value, attributes: usage });
  }
  return points;
}

function agentPoints(span: FinishedSpan): MetricPoint[] {
  const attributes = pick(span.attributes, AGENT_KEYS);
  const points: MetricPoint[] = [
    { metric: 'AGENT_DURATION', value: span.durationSeconds, attributes: withError(attributes, span.errorType) },
  ];
  if (span.calls) {
    points.push({ metric: 'AGENT_INFERENCE_CALLS', value: span.calls.inference, attributes });
    points.push({ metric: 'AGENT_TOOL_CALLS', value: span.calls.tool, attributes });
  }
  return points;
}
