import { asRecord, contentParts, stringOf, type Loose } from './parts.js';
import { parseArguments } from './responses.js';
import type { ChatMessage, MessagePart, OutputMessage } from './types.js';

function toolCallParts(toolCalls: unknown): MessagePart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.flatMap((value): MessagePart[] => {
    const call = asRecord(value);
    const fn = asRecord(call?.function) ?? asRecord(call?.custom);
    if (!call || !fn) return [];
    const id = stringOf(call.id);
    return [{ type: 'tool_call', ...(id ? { id } : {}), name: stringOf(fn.name) ?? '', arguments: parseArguments(fn.arguments ?? fn.input) }];
  });
}

/** One Chat Completions message (request or choice) as a conventions message. */
function chatMessage(message: Loose): ChatMessage {
  const role = stringOf(message.role) ?? 'user';
  if (role === 'tool') {
    const id = stringOf(message.tool_call_id);
    const content = message.content;
    const response = Array.isArray(content) ? contentParts(content) : content;
    return { role, parts: [{ type: 'tool_call_response', ...(id ? { id } : {}), response: response ?? '' }] };
  }
  const parts = contentParts(message.content);
  if (typeof message.refusal === 'string' && message.refusal) parts.push({ type: 'refusal', content: message.refusal });
  const audio = asRecord(message.audio);
  if (typeof audio?.transcript === 'string') parts.push({ type: 'text', content: audio.transcript });
  parts.push(...toolCallParts(message.tool_calls));
  const name = stringOf(message.name);
  return { role: role === 'developer' ? 'system' : role, parts, ...(name ? { name } : {}) };
}

/** The request messages of a Chat Completions call. */
export function chatInputMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.map(asRecord).filter((m): m is Loose => m !== undefined).map(chatMessage);
}

const FINISH_REASONS: Readonly<Record<string, string>> = { tool_calls: 'tool_call', function_call: 'tool_call' };

/** The choices of a Chat Completions response, each with its finish reason. */
export function chatOutputMessages(completion: Loose | undefined): OutputMessage[] {
  const choices = Array.isArray(completion?.choices) ? completion.choices : [];
  return choices.flatMap((value): OutputMessage[] => {
    const choice = asRecord(value);
    const message = asRecord(choice?.message);
    if (!choice || !message) return [];
    const reason = stringOf(choice.finish_reason) ?? 'stop';
    return [{ ...chatMessage({ role: 'assistant', ...message }), finish_reason: FINISH_REASONS[reason] ?? reason }];
  });
}
