/**
 * The `mlflow.*` keys MLflow's UI reads, computed from the processor's GenAI and `openai.agents.*`
 * attributes. Pure functions: the exporter adds their result to a view of each span.
 *
 * How MLflow 3.17 ingests OTLP (mlflow/server/otel_api.py, SqlAlchemyStore.log_spans): every
 * attribute value is JSON-encoded once on arrival, and a string that already holds JSON is
 * unwrapped again, so `mlflow.spanInputs` is sent as JSON text. Trace-level fields come from
 * attributes: `mlflow.traceTag.<key>` on the root span (no parent) become trace tags, with
 * `mlflow.traceTag.mlflow.traceName` the trace name; `session.id` (else `gen_ai.conversation.id`)
 * and `user.id` on any span become the trace's session and user.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { AGENTS, GEN_AI, mlflowDigestTagAttributes } from '@agents-tracing/processor';
import { chatRequest, chatResponse } from './chat-view.js';

export const MLFLOW = {
  SPAN_TYPE: 'mlflow.spanType',
  SPAN_INPUTS: 'mlflow.spanInputs',
  SPAN_OUTPUTS: 'mlflow.spanOutputs',
  TOKEN_USAGE: 'mlflow.chat.tokenUsage',
  CHAT_TOOLS: 'mlflow.chat.tools',
  MESSAGE_FORMAT: 'mlflow.message.format',
  TRACE_TAG_PREFIX: 'mlflow.traceTag.',
  TRACE_NAME_TAG: 'mlflow.traceName',
  /** OTel's session key, which MLflow reads before `gen_ai.conversation.id`. */
  SESSION_ID: 'session.id',
} as const;

/** Trace metadata keys MLflow fills from spans, as the REST API returns them. */
export const TRACE_INFO_METADATA = {
  SESSION: 'mlflow.trace.session',
  USER: 'mlflow.trace.user',
  TOKEN_USAGE: 'mlflow.trace.tokenUsage',
} as const;

/** Trace metadata keys written through the REST API: links to an agent version and a run. */
export const TRACE_METADATA = {
  MODEL_ID: 'mlflow.modelId',
  SOURCE_RUN: 'mlflow.sourceRun',
} as const;

/** Span types of `mlflow.entities.SpanType` used here (all present in MLflow 3.17). */
export const MLFLOW_SPAN_TYPE = {
  AGENT: 'AGENT',
  TOOL: 'TOOL',
  CHAT_MODEL: 'CHAT_MODEL',
  LLM: 'LLM',
  CHAIN: 'CHAIN',
  GUARDRAIL: 'GUARDRAIL',
  UNKNOWN: 'UNKNOWN',
} as const;

export type MlflowSpanType = (typeof MLFLOW_SPAN_TYPE)[keyof typeof MLFLOW_SPAN_TYPE];

/** MLflow span type per SDK span type (`openai.agents.span.type`); the workflow root is `trace`. */
export const MLFLOW_SPAN_TYPE_BY_SDK_TYPE: Readonly<Record<string, MlflowSpanType>> = {
  trace: MLFLOW_SPAN_TYPE.CHAIN,
  task: MLFLOW_SPAN_TYPE.CHAIN,
  turn: MLFLOW_SPAN_TYPE.CHAIN,
  agent: MLFLOW_SPAN_TYPE.AGENT,
  generation: MLFLOW_SPAN_TYPE.CHAT_MODEL,
  response: MLFLOW_SPAN_TYPE.CHAT_MODEL,
  function: MLFLOW_SPAN_TYPE.TOOL,
  mcp_tools: MLFLOW_SPAN_TYPE.TOOL,
  handoff: MLFLOW_SPAN_TYPE.CHAIN,
  guardrail: MLFLOW_SPAN_TYPE.GUARDRAIL,
  custom: MLFLOW_SPAN_TYPE.CHAIN,
  transcription: MLFLOW_SPAN_TYPE.LLM,
  speech: MLFLOW_SPAN_TYPE.LLM,
  speech_group: MLFLOW_SPAN_TYPE.LLM,
};

/**
 * The UI's chat view for OpenAI shapes: model calls, agents and workflows are shown to it as Chat
 * Completions requests and responses, converted from the GenAI conventions' messages.
 */
export const MESSAGE_FORMAT = 'openai';

/** Limits past which MLflow 3.17 rejects the whole OTLP batch (400) or drops the tag. */
export const MLFLOW_LIMITS = {
  SESSION_ID: 250,
  TRACE_NAME: 4096,
  TAG_KEY: 250,
  TAG_VALUE: 8000,
} as const;

/**
 * What a trace's root span learns from the spans below it, for the fields MLflow reads from the
 * root only: the workflow name and metadata when the run is nested in an application span, and the
 * request and response (the first run's input, the last run's output) that fill MLflow's
 * Request and Response columns.
 */
export interface TraceSummary {
  workflowName?: string;
  /** Trace tags (metadata) from nested workflow spans. */
  tags: Readonly<Record<string, string>>;
  inputs?: { json: string; startMs: number };
  outputs?: { json: string; endMs: number };
}

/**
 * The extra attributes for one span. `isRoot`: the span has no parent, so MLflow reads the
 * trace's name, tags and previews from it. `summary`: what its descendants told it.
 */
export function toMlflowAttributes(
  attributes: Attributes,
  name: string,
  isRoot: boolean,
  summary?: TraceSummary,
): Attributes {
  const extra: Attributes = {};
  const type = sdkSpanType(attributes);
  if (type !== undefined) {
    extra[MLFLOW.SPAN_TYPE] = MLFLOW_SPAN_TYPE_BY_SDK_TYPE[type] ?? MLFLOW_SPAN_TYPE.UNKNOWN;
    Object.assign(extra, contentAttributes(type, attributes));
    if (type === 'generation' || type === 'response') Object.assign(extra, modelAttributes(attributes));
  }
  Object.assign(extra, sessionAttributes(attributes));
  if (isRoot) Object.assign(extra, traceAttributes(attributes, name, extra, summary));
  return extra;
}

/**
 * Folds one non-root span into its trace's summary. Returns the summary unchanged (the same
 * object) when the span tells the root nothing.
 */
export function summarizeForRoot(
  summary: TraceSummary | undefined,
  attributes: Attributes,
  startMs: number,
  endMs: number,
): TraceSummary | undefined {
  const type = sdkSpanType(attributes);
  if (type !== 'task' && type !== 'trace') return summary;
  const next: TraceSummary = { ...summary, tags: summary?.tags ?? {} };
  const workflowName = stringValue(attributes[GEN_AI.WORKFLOW_NAME]);
  if (next.workflowName === undefined && workflowName !== undefined) next.workflowName = workflowName;
  if (type === 'trace') next.tags = { ...metadataTags(attributes), ...next.tags };
  const inputs = conversationInputs(attributes);
  if (inputs !== undefined && (next.inputs === undefined || startMs < next.inputs.startMs)) {
    next.inputs = { json: inputs, startMs };
  }
  const outputs = conversationOutputs(attributes);
  if (outputs !== undefined && (next.outputs === undefined || endMs >= next.outputs.endMs)) {
    next.outputs = { json: outputs, endMs };
  }
  return next;
}

/** The SDK span type; the processor marks the workflow span with the SDK trace id instead. */
function sdkSpanType(attributes: Attributes): string | undefined {
  const type = attributes[AGENTS.SPAN_TYPE];
  if (typeof type === 'string') return type;
  return attributes[AGENTS.TRACE_ID] !== undefined ? 'trace' : undefined;
}

/** `mlflow.spanInputs` / `mlflow.spanOutputs` per span type, as JSON text. */
function contentAttributes(type: string, attributes: Attributes): Attributes {
  switch (type) {
    case 'function':
      return inputsOutputs(jsonText(attributes[GEN_AI.TOOL_CALL_ARGUMENTS]), jsonText(attributes[GEN_AI.TOOL_CALL_RESULT]));
    case 'guardrail':
      return inputsOutputs(undefined, JSON.stringify({ triggered: attributes[AGENTS.GUARDRAIL_TRIGGERED] === true }));
    case 'handoff':
      return inputsOutputs(
        jsonObject({ from_agent: attributes[AGENTS.HANDOFF_FROM] }),
        jsonObject({ to_agent: attributes[AGENTS.HANDOFF_TO] }),
      );
    case 'mcp_tools':
      return inputsOutputs(jsonObject({ server: attributes[AGENTS.MCP_SERVER] }), jsonText(attributes[AGENTS.MCP_TOOLS]));
    case 'custom':
      return inputsOutputs(undefined, jsonText(attributes[AGENTS.CUSTOM_DATA]));
    case 'transcription':
      return inputsOutputs(undefined, jsonText(attributes[AGENTS.AUDIO_TEXT]));
    case 'speech':
    case 'speech_group':
      return inputsOutputs(jsonText(attributes[AGENTS.AUDIO_TEXT]), undefined);
    default:
      return messageAttributes(conversationInputs(attributes), conversationOutputs(attributes));
  }
}

/** A span's messages as a chat request (with its system instructions); as they are when cut. */
function conversationInputs(attributes: Attributes): string | undefined {
  const input = jsonText(attributes[GEN_AI.INPUT_MESSAGES]);
  return chatRequest(input, jsonText(attributes[GEN_AI.SYSTEM_INSTRUCTIONS])) ?? input;
}

function conversationOutputs(attributes: Attributes): string | undefined {
  const output = jsonText(attributes[GEN_AI.OUTPUT_MESSAGES]);
  return chatResponse(output) ?? output;
}

function inputsOutputs(inputs: string | undefined, outputs: string | undefined): Attributes {
  const result: Attributes = {};
  if (inputs !== undefined) result[MLFLOW.SPAN_INPUTS] = inputs;
  if (outputs !== undefined) result[MLFLOW.SPAN_OUTPUTS] = outputs;
  return result;
}

/** Conversation content, tagged so the UI shows it as a chat. */
function messageAttributes(inputs: string | undefined, outputs: string | undefined): Attributes {
  const result = inputsOutputs(inputs, outputs);
  if (inputs !== undefined || outputs !== undefined) result[MLFLOW.MESSAGE_FORMAT] = MESSAGE_FORMAT;
  return result;
}

/** Token usage and tool definitions of a model call. */
function modelAttributes(attributes: Attributes): Attributes {
  const result: Attributes = {};
  const usage = tokenUsage(attributes);
  if (usage !== undefined) result[MLFLOW.TOKEN_USAGE] = JSON.stringify(usage);
  const tools = chatTools(attributes[GEN_AI.TOOL_DEFINITIONS]);
  if (tools !== undefined) result[MLFLOW.CHAT_TOOLS] = JSON.stringify(tools);
  return result;
}

function tokenUsage(attributes: Attributes): Record<string, number> | undefined {
  const input = numberValue(attributes[GEN_AI.USAGE_INPUT_TOKENS]);
  const output = numberValue(attributes[GEN_AI.USAGE_OUTPUT_TOKENS]);
  if (input === undefined && output === undefined) return undefined;
  const total =
    numberValue(attributes[AGENTS.USAGE_TOTAL_TOKENS]) ??
    (input !== undefined && output !== undefined ? input + output : undefined);
  const usage: Record<string, number> = {};
  const entries: [string, number | undefined][] = [
    ['input_tokens', input],
    ['output_tokens', output],
    ['total_tokens', total],
    ['cache_read_input_tokens', numberValue(attributes[GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS])],
    ['cache_creation_input_tokens', numberValue(attributes[GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS])],
  ];
  for (const [key, value] of entries) if (value !== undefined) usage[key] = value;
  return usage;
}

/**
 * Tool definitions in the Chat Completions shape MLflow's `mlflow.chat.tools` holds. Responses API
 * function tools are flat (`{type, name, parameters}`); hosted tools (web search, file search)
 * have no name and are listed under their type so they still show.
 */
function chatTools(definitions: AttributeValue | undefined): unknown[] | undefined {
  const parsed = parseJson(definitions);
  if (!Array.isArray(parsed)) return undefined;
  const tools = parsed.flatMap((tool): unknown[] => {
    if (typeof tool !== 'object' || tool === null) return [];
    const record = tool as Record<string, unknown>;
    if (typeof record.function === 'object' && record.function !== null) return [record];
    const toolName = typeof record.name === 'string' ? record.name : typeof record.type === 'string' ? record.type : undefined;
    if (toolName === undefined) return [];
    const fn: Record<string, unknown> = { name: toolName };
    if (typeof record.description === 'string') fn.description = record.description;
    if (typeof record.parameters === 'object' && record.parameters !== null) fn.parameters = record.parameters;
    if (typeof record.strict === 'boolean') fn.strict = record.strict;
    return [{ type: 'function', function: fn }];
  });
  return tools.length > 0 ? tools : undefined;
}

/**
 * `session.id` from the SDK group id, within MLflow's limit: MLflow reads `session.id` before
 * `gen_ai.conversation.id`, and a longer value of either makes it reject the whole batch.
 */
function sessionAttributes(attributes: Attributes): Attributes {
  const session = stringValue(attributes[MLFLOW.SESSION_ID]);
  if (session !== undefined) {
    return session.length > MLFLOW_LIMITS.SESSION_ID ? { [MLFLOW.SESSION_ID]: clip(session, MLFLOW_LIMITS.SESSION_ID) } : {};
  }
  const conversation = stringValue(attributes[GEN_AI.CONVERSATION_ID]);
  return conversation === undefined ? {} : { [MLFLOW.SESSION_ID]: clip(conversation, MLFLOW_LIMITS.SESSION_ID) };
}

/** Trace name, tags and, when the root has none of its own, the request and response. */
function traceAttributes(attributes: Attributes, name: string, own: Attributes, summary: TraceSummary | undefined): Attributes {
  const result: Attributes = {};
  const workflowName = stringValue(attributes[GEN_AI.WORKFLOW_NAME]) ?? summary?.workflowName ?? name;
  result[traceTagKey(MLFLOW.TRACE_NAME_TAG)] = clip(workflowName, MLFLOW_LIMITS.TRACE_NAME);
  const tags = { ...summary?.tags, ...metadataTags(attributes) };
  for (const [key, value] of Object.entries(tags)) result[traceTagKey(key)] = value;
  const hasOwnContent = own[MLFLOW.SPAN_INPUTS] !== undefined || own[MLFLOW.SPAN_OUTPUTS] !== undefined;
  if (!hasOwnContent && summary) {
    Object.assign(
      result,
      messageAttributes(previewable(summary.inputs?.json, 'input'), previewable(summary.outputs?.json, 'output')),
    );
  }
  return result;
}

/**
 * MLflow's request and response previews pick the last user (assistant) message out of an object's
 * `input` (`output`) list, the Responses API's request and response shapes; a bare list would be
 * shown as raw JSON. Text is shown as it is and stays unwrapped.
 */
function previewable(json: string | undefined, key: 'input' | 'output'): string | undefined {
  return json?.trimStart().startsWith('[') ? `{"${key}":${json}}` : json;
}

function traceTagKey(key: string): string {
  return `${MLFLOW.TRACE_TAG_PREFIX}${key}`;
}

/**
 * `openai.agents.metadata.<key>` as trace tags. Keys in MLflow's own `mlflow.` namespace and keys
 * past MLflow's length limit are left out; values are cut to MLflow's limit.
 */
/** Trace metadata, and the trace's audit digest when it has one, as MLflow trace tags. */
function metadataTags(attributes: Attributes): Record<string, string> {
  const tags: Record<string, string> = {};
  const digestTags = mlflowDigestTagAttributes(attributes as Parameters<typeof mlflowDigestTagAttributes>[0]);
  for (const [key, value] of Object.entries(digestTags)) tags[key.slice(MLFLOW.TRACE_TAG_PREFIX.length)] = value;
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(AGENTS.METADATA_PREFIX) || value === undefined) continue;
    const tagKey = key.slice(AGENTS.METADATA_PREFIX.length);
    if (!tagKey || tagKey.startsWith('mlflow.') || tagKey.length > MLFLOW_LIMITS.TAG_KEY) continue;
    tags[tagKey] = clip(Array.isArray(value) ? JSON.stringify(value) : String(value), MLFLOW_LIMITS.TAG_VALUE);
  }
  return tags;
}

/**
 * An attribute as JSON text. The processor stores structured content as JSON and short strings as
 * they are, so text that does not parse is a plain string and is quoted.
 */
function jsonText(value: AttributeValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return JSON.stringify(value);
  try {
    JSON.parse(value);
    return value;
  } catch {
    return JSON.stringify(value);
  }
}

function jsonObject(fields: Record<string, AttributeValue | undefined>): string | undefined {
  const present = Object.entries(fields).filter(([, value]) => value !== undefined);
  return present.length > 0 ? JSON.stringify(Object.fromEntries(present)) : undefined;
}

function parseJson(value: AttributeValue | undefined): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function stringValue(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function numberValue(value: AttributeValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
