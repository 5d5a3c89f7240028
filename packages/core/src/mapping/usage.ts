import { AGENTS, GEN_AI } from '../attributes.js';
import type { SpanAttributes } from './span-attributes.js';

type Loose = Record<string, unknown> | undefined;

const asRecord = (value: unknown): Loose =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

const firstNumber = (...values: unknown[]): number | undefined =>
  values.find((v): v is number => typeof v === 'number' && Number.isFinite(v));

interface UsageKeys {
  input: string;
  output: string;
  cacheRead: string;
  cacheCreation: string;
  reasoning: string;
}

/** A model call's own usage: the GenAI conventions' keys. */
const MODEL_CALL_KEYS: UsageKeys = {
  input: GEN_AI.USAGE_INPUT_TOKENS,
  output: GEN_AI.USAGE_OUTPUT_TOKENS,
  cacheRead: GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS,
  cacheCreation: GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS,
  reasoning: GEN_AI.USAGE_REASONING_OUTPUT_TOKENS,
};

/** A workflow's or turn's sum over its model calls. */
const ROLLUP_KEYS: UsageKeys = {
  input: AGENTS.USAGE_INPUT_TOKENS,
  output: AGENTS.USAGE_OUTPUT_TOKENS,
  cacheRead: AGENTS.USAGE_CACHE_READ_INPUT_TOKENS,
  cacheCreation: AGENTS.USAGE_CACHE_CREATION_INPUT_TOKENS,
  reasoning: AGENTS.USAGE_REASONING_OUTPUT_TOKENS,
};

/** Usage summed over a span's model calls (task and turn spans), under `openai.agents.usage.*`. */
export function setRollupUsage(attributes: SpanAttributes, usageValue: unknown): void {
  setUsage(attributes, usageValue, ROLLUP_KEYS);
}

/**
 * Token usage in any of the shapes the SDK produces: turn and task usage (`cached_input_tokens`,
 * `requests`), Responses API usage (`input_tokens_details`), Chat Completions usage
 * (`prompt_tokens`, `completion_tokens_details`), and generation usage (`details`).
 */
export function setUsage(attributes: SpanAttributes, usageValue: unknown, keys: UsageKeys = MODEL_CALL_KEYS): void {
  const usage = asRecord(usageValue);
  if (!usage) return;
  const details = asRecord(usage.details);
  const inputDetails = asRecord(usage.input_tokens_details) ?? asRecord(usage.prompt_tokens_details);
  const outputDetails = asRecord(usage.output_tokens_details) ?? asRecord(usage.completion_tokens_details);
  const input = firstNumber(usage.input_tokens, usage.prompt_tokens);
  const output = firstNumber(usage.output_tokens, usage.completion_tokens);
  attributes.number(keys.input, input);
  attributes.number(keys.output, output);
  attributes.number(
    keys.cacheRead,
    firstNumber(usage.cached_input_tokens, inputDetails?.cached_tokens, details?.cached_tokens),
  );
  attributes.number(
    keys.cacheCreation,
    firstNumber(usage.cache_write_input_tokens, inputDetails?.cache_creation_tokens),
  );
  attributes.number(
    keys.reasoning,
    firstNumber(outputDetails?.reasoning_tokens, details?.reasoning_tokens),
  );
  attributes.number(AGENTS.USAGE_REQUESTS, usage.requests);
  const total = firstNumber(usage.total_tokens) ?? (input !== undefined && output !== undefined ? input + output : undefined);
  attributes.number(AGENTS.USAGE_TOTAL_TOKENS, total);
}

export { asRecord };
