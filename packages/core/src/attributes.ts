/**
 * Attribute keys the processor writes: GenAI semantic-convention keys (from the incubating entry
 * of @opentelemetry/semantic-conventions, pinned to an exact version because incubating keys may
 * change between releases), then `openai.agents.*` keys for what the conventions do not cover.
 * Exporters read these constants rather than string literals.
 */
import * as semconv from '@opentelemetry/semantic-conventions/incubating';

export { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

export const GEN_AI = {
  OPERATION_NAME: semconv.ATTR_GEN_AI_OPERATION_NAME,
  PROVIDER_NAME: semconv.ATTR_GEN_AI_PROVIDER_NAME,
  AGENT_NAME: semconv.ATTR_GEN_AI_AGENT_NAME,
  WORKFLOW_NAME: semconv.ATTR_GEN_AI_WORKFLOW_NAME,
  CONVERSATION_ID: semconv.ATTR_GEN_AI_CONVERSATION_ID,
  REQUEST_MODEL: semconv.ATTR_GEN_AI_REQUEST_MODEL,
  REQUEST_TEMPERATURE: semconv.ATTR_GEN_AI_REQUEST_TEMPERATURE,
  REQUEST_TOP_P: semconv.ATTR_GEN_AI_REQUEST_TOP_P,
  REQUEST_MAX_TOKENS: semconv.ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  RESPONSE_MODEL: semconv.ATTR_GEN_AI_RESPONSE_MODEL,
  RESPONSE_ID: semconv.ATTR_GEN_AI_RESPONSE_ID,
  RESPONSE_FINISH_REASONS: semconv.ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  USAGE_INPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  USAGE_OUTPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  USAGE_CACHE_READ_INPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  USAGE_CACHE_CREATION_INPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  USAGE_REASONING_OUTPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  TOOL_NAME: semconv.ATTR_GEN_AI_TOOL_NAME,
  TOOL_CALL_ID: semconv.ATTR_GEN_AI_TOOL_CALL_ID,
  TOOL_TYPE: semconv.ATTR_GEN_AI_TOOL_TYPE,
  TOOL_CALL_ARGUMENTS: semconv.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  TOOL_CALL_RESULT: semconv.ATTR_GEN_AI_TOOL_CALL_RESULT,
  TOOL_DEFINITIONS: semconv.ATTR_GEN_AI_TOOL_DEFINITIONS,
  INPUT_MESSAGES: semconv.ATTR_GEN_AI_INPUT_MESSAGES,
  OUTPUT_MESSAGES: semconv.ATTR_GEN_AI_OUTPUT_MESSAGES,
  SYSTEM_INSTRUCTIONS: semconv.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  EVALUATION_NAME: semconv.ATTR_GEN_AI_EVALUATION_NAME,
  EVALUATION_SCORE_VALUE: semconv.ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
  EVALUATION_SCORE_LABEL: semconv.ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  EVALUATION_EXPLANATION: semconv.ATTR_GEN_AI_EVALUATION_EXPLANATION,
} as const;

/** The event an evaluation result is recorded as (`gen_ai.evaluation.result`). */
export const GEN_AI_EVALUATION_RESULT_EVENT = semconv.EVENT_GEN_AI_EVALUATION_RESULT;

/** Values of `gen_ai.operation.name`. */
export const GEN_AI_OPERATION = {
  INVOKE_WORKFLOW: 'invoke_workflow',
  INVOKE_AGENT: 'invoke_agent',
  CHAT: 'chat',
  EXECUTE_TOOL: 'execute_tool',
} as const;

export const AGENTS = {
  /** The SDK's own id of the span (`span_<24 hex>`), on every span. */
  SPAN_ID: 'openai.agents.span_id',
  /** The SDK's own trace id (`trace_<32 hex>`), on the trace's root span. */
  TRACE_ID: 'openai.agents.trace_id',
  /** The SDK span type (`agent`, `function`, …; `trace` on the root), on every span. */
  SPAN_TYPE: 'openai.agents.span.type',
  /** Prefix of the trace metadata keys, on the root span: `openai.agents.metadata.<key>`. */
  METADATA_PREFIX: 'openai.agents.metadata.',
  TASK_NAME: 'openai.agents.task.name',
  USAGE_REQUESTS: 'openai.agents.usage.requests',
  /**
   * Roll-ups of the model calls below a workflow or turn. Kept out of `gen_ai.usage.*`, which
   * backends sum over every span that has it: only model calls carry those.
   */
  USAGE_INPUT_TOKENS: 'openai.agents.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'openai.agents.usage.output_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'openai.agents.usage.cache_read.input_tokens',
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'openai.agents.usage.cache_creation.input_tokens',
  USAGE_REASONING_OUTPUT_TOKENS: 'openai.agents.usage.reasoning.output_tokens',
  USAGE_TOTAL_TOKENS: 'openai.agents.usage.total_tokens',
  TURN: 'openai.agents.turn',
  AGENT_HANDOFFS: 'openai.agents.agent.handoffs',
  AGENT_TOOLS: 'openai.agents.agent.tools',
  AGENT_OUTPUT_TYPE: 'openai.agents.agent.output_type',
  HANDOFF_FROM: 'openai.agents.handoff.from',
  HANDOFF_TO: 'openai.agents.handoff.to',
  GUARDRAIL_NAME: 'openai.agents.guardrail.name',
  GUARDRAIL_TRIGGERED: 'openai.agents.guardrail.triggered',
  MCP_SERVER: 'openai.agents.mcp.server',
  MCP_TOOLS: 'openai.agents.mcp.tools',
  MCP_DATA: 'openai.agents.mcp.data',
  CUSTOM_DATA: 'openai.agents.custom.data',
  AUDIO_FORMAT: 'openai.agents.audio.format',
  AUDIO_BYTES: 'openai.agents.audio.bytes',
  AUDIO_TEXT: 'openai.agents.audio.text',
  MODEL_CONFIG: 'openai.agents.model_config',
  ERROR_MESSAGE: 'openai.agents.error.message',
  ERROR_DATA: 'openai.agents.error.data',
  /** Set when the processor had to close a span the SDK never ended. */
  INCOMPLETE: 'openai.agents.incomplete',
  /** Names of the attributes whose captured content was cut at the size limit. */
  TRUNCATED: 'openai.agents.truncated',
  /** Who gave an evaluation result (HUMAN, LLM_JUDGE, CODE) and their id: the conventions have no key for it. */
  EVALUATION_SOURCE_TYPE: 'openai.agents.evaluation.source.type',
  EVALUATION_SOURCE_ID: 'openai.agents.evaluation.source.id',
} as const;

/** Attributes that hold captured content (prompts, outputs, arguments): dropped when capture is off. */
export const CONTENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  GEN_AI.TOOL_CALL_ARGUMENTS,
  GEN_AI.TOOL_CALL_RESULT,
  GEN_AI.INPUT_MESSAGES,
  GEN_AI.OUTPUT_MESSAGES,
  GEN_AI.SYSTEM_INSTRUCTIONS,
  AGENTS.CUSTOM_DATA,
  AGENTS.MCP_DATA,
  AGENTS.AUDIO_TEXT,
  AGENTS.ERROR_DATA,
]);
