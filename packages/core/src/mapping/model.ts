import type { GenerationSpanData, ResponseSpanData } from '@openai/agents-core';
import { AGENTS, GEN_AI, GEN_AI_OPERATION } from '../attributes.js';
import type { SpanAttributes } from './span-attributes.js';
import {
  chatInputMessages,
  chatOutputMessages,
  responsesMessages,
  responsesOutput,
  systemInstructions,
  toolDefinitions,
  type ChatMessage,
  type OutputMessage,
} from './messages/index.js';
import { asRecord, setUsage } from './usage.js';

/** A tool call the model asked for, used to give function spans their call id. */
export interface RequestedToolCall {
  name: string;
  arguments: string;
  callId: string;
}

/**
 * What a model span tells its agent: the messages in and out (in the GenAI conventions' format),
 * and the tool calls requested.
 */
export interface ModelExchange {
  input: ChatMessage[] | undefined;
  output: OutputMessage[] | undefined;
  toolCalls: RequestedToolCall[];
}

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

const chatName = (model: unknown): string =>
  typeof model === 'string' && model ? `${GEN_AI_OPERATION.CHAT} ${model}` : GEN_AI_OPERATION.CHAT;

function setCommon(attributes: SpanAttributes): void {
  attributes.set(GEN_AI.OPERATION_NAME, GEN_AI_OPERATION.CHAT);
  attributes.set(GEN_AI.PROVIDER_NAME, 'openai');
}

function setRequestSettings(attributes: SpanAttributes, settings: Record<string, unknown> | undefined): void {
  if (!settings) return;
  attributes.number(GEN_AI.REQUEST_TEMPERATURE, settings.temperature);
  attributes.number(GEN_AI.REQUEST_TOP_P, settings.top_p);
  attributes.number(GEN_AI.REQUEST_MAX_TOKENS, settings.max_tokens ?? settings.max_output_tokens);
}

/**
 * Chat Completions path. The first output item is the whole completion. `exchange` is the span's
 * converted messages, when the caller already has them (it passes them on to the agent too).
 */
export function mapGeneration(
  data: GenerationSpanData,
  attributes: SpanAttributes,
  exchange: ModelExchange | undefined = modelExchange(data),
): string {
  setCommon(attributes);
  attributes.set(GEN_AI.REQUEST_MODEL, data.model);
  setRequestSettings(attributes, data.model_config);
  if (data.model_config) attributes.data(AGENTS.MODEL_CONFIG, data.model_config);
  const completion = asRecord(data.output?.[0]);
  if (completion) {
    attributes.set(GEN_AI.RESPONSE_ID, typeof completion.id === 'string' ? completion.id : undefined);
    attributes.set(GEN_AI.RESPONSE_MODEL, typeof completion.model === 'string' ? completion.model : undefined);
    const reasons = chatChoices(completion)
      .map((c) => c.finish_reason)
      .filter((r): r is string => typeof r === 'string');
    if (reasons.length > 0) attributes.set(GEN_AI.RESPONSE_FINISH_REASONS, reasons);
  }
  // A successful Chat Completions span has no `usage`: the counts are in the completion.
  setUsage(attributes, data.usage ?? completion?.usage);
  attributes.content(GEN_AI.INPUT_MESSAGES, exchange?.input);
  attributes.content(GEN_AI.OUTPUT_MESSAGES, exchange?.output);
  return chatName(data.model);
}

/** Responses API path; `exchange` as for `mapGeneration`. */
export function mapResponse(
  data: ResponseSpanData,
  attributes: SpanAttributes,
  exchange: ModelExchange | undefined = modelExchange(data),
): string {
  setCommon(attributes);
  const response = asRecord(data._response);
  const model = response?.model;
  attributes.set(GEN_AI.REQUEST_MODEL, typeof model === 'string' ? model : undefined);
  attributes.set(GEN_AI.RESPONSE_MODEL, typeof model === 'string' ? model : undefined);
  attributes.set(GEN_AI.RESPONSE_ID, data.response_id ?? (typeof response?.id === 'string' ? response.id : undefined));
  if (response) {
    setRequestSettings(attributes, response);
    if (typeof response.status === 'string') attributes.set(GEN_AI.RESPONSE_FINISH_REASONS, [response.status]);
    setUsage(attributes, response.usage);
    const { instructions, tools } = response;
    attributes.keyedContent(
      GEN_AI.SYSTEM_INSTRUCTIONS,
      () => (typeof instructions === 'string' ? instructions : undefined),
      () => systemInstructions(instructions),
    );
    attributes.keyedContent(GEN_AI.TOOL_DEFINITIONS, () => jsonKey(tools), () => toolDefinitions(tools));
  }
  attributes.content(GEN_AI.INPUT_MESSAGES, exchange?.input);
  attributes.content(GEN_AI.OUTPUT_MESSAGES, exchange?.output);
  return chatName(model);
}

/** The exchange of a model span, for the span, its agent and its tool spans. */
export function modelExchange(data: GenerationSpanData | ResponseSpanData): ModelExchange | undefined {
  if (data.type === 'response') {
    const response = asRecord(data._response);
    const input = data._input === undefined ? undefined : nonEmpty(responsesMessages(data._input));
    return { input, output: nonEmpty(responsesOutput(response)), toolCalls: responseToolCalls(response?.output) };
  }
  const input = nonEmpty(chatInputMessages(data.input));
  const completion = asRecord(data.output?.[0]);
  if (!completion) return input ? { input, output: undefined, toolCalls: [] } : undefined;
  return { input, output: nonEmpty(chatOutputMessages(completion)), toolCalls: chatToolCalls(chatMessages(completion)) };
}

/**
 * The JSON of a value, as a cache key: exact for the wire data a response echoes (its tools);
 * undefined when it has no JSON.
 */
function jsonKey(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function chatChoices(completion: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(completion.choices)
    ? completion.choices.map(asRecord).filter((c): c is Record<string, unknown> => c !== undefined)
    : [];
}

function chatMessages(completion: Record<string, unknown>): unknown[] {
  return chatChoices(completion).map((c) => c.message);
}

function responseToolCalls(output: unknown): RequestedToolCall[] {
  if (!Array.isArray(output)) return [];
  const calls: RequestedToolCall[] = [];
  for (const item of output) {
    const rec = asRecord(item);
    if (rec?.type === 'function_call' && typeof rec.name === 'string' && typeof rec.call_id === 'string') {
      calls.push({ name: rec.name, arguments: String(rec.arguments ?? ''), callId: rec.call_id });
    }
  }
  return calls;
}

function chatToolCalls(messages: unknown[]): RequestedToolCall[] {
  const calls: RequestedToolCall[] = [];
  for (const message of messages) {
    const toolCalls = asRecord(message)?.tool_calls;
    if (!Array.isArray(toolCalls)) continue;
    for (const call of toolCalls) {
      const rec = asRecord(call);
      const fn = asRecord(rec?.function);
      if (typeof rec?.id === 'string' && typeof fn?.name === 'string') {
        calls.push({ name: fn.name, arguments: String(fn.arguments ?? ''), callId: rec.id });
      }
    }
  }
  return calls;
}
