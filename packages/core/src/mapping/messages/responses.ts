import { asRecord, contentParts, genericPart, stringOf, toolResponse, type Loose } from './parts.js';
import type { ChatMessage, MessagePart, OutputMessage } from './types.js';

/** Hosted tools the provider runs itself: recorded as server tool calls. */
const SERVER_TOOL_CALLS: Readonly<Record<string, string>> = {
  web_search_call: 'web_search',
  file_search_call: 'file_search',
  code_interpreter_call: 'code_interpreter',
  image_generation_call: 'image_generation',
  computer_call: 'computer_use',
  mcp_call: 'mcp',
  mcp_list_tools: 'mcp_list_tools',
  mcp_approval_request: 'mcp_approval_request',
  local_shell_call: 'local_shell',
  shell_call: 'shell',
  apply_patch_call: 'apply_patch',
};

/** Results of hosted tools replayed as input. */
const SERVER_TOOL_RESULTS: ReadonlySet<string> = new Set([
  'computer_call_output',
  'computer_call_result',
  'local_shell_call_output',
  'shell_call_output',
  'apply_patch_call_output',
  'mcp_approval_response',
]);

const callIdOf = (item: Loose): string | undefined => stringOf(item.call_id, item.callId, item.id);

/** What one item says, and who said it. */
function itemMessage(value: unknown): { role: string; parts: MessagePart[]; explicit: boolean } {
  if (typeof value === 'string') return { role: 'user', parts: [{ type: 'text', content: value }], explicit: true };
  const item = asRecord(value);
  if (!item) return { role: 'user', parts: [genericPart(value)], explicit: false };
  const type = typeof item.type === 'string' ? item.type : undefined;
  if ((type === undefined || type === 'message') && typeof item.role === 'string') {
    return { role: item.role === 'developer' ? 'system' : item.role, parts: contentParts(item.content), explicit: true };
  }
  switch (type) {
    case 'function_call':
      return {
        role: 'assistant',
        parts: [{ type: 'tool_call', ...idOf(callIdOf(item)), name: stringOf(item.name) ?? '', arguments: parseArguments(item.arguments) }],
        explicit: false,
      };
    case 'function_call_result':
    case 'function_call_output':
      return {
        role: 'tool',
        parts: [{ type: 'tool_call_response', ...idOf(callIdOf(item)), response: toolResponse(item.output) }],
        explicit: false,
      };
    case 'reasoning':
      return { role: 'assistant', parts: reasoningParts(item), explicit: false };
    case 'hosted_tool_call':
      return { role: 'assistant', parts: hostedToolCall(item), explicit: false };
    default:
      break;
  }
  if (type && SERVER_TOOL_CALLS[type]) {
    return { role: 'assistant', parts: serverToolCall(item, SERVER_TOOL_CALLS[type]), explicit: false };
  }
  if (type && SERVER_TOOL_RESULTS.has(type)) {
    return {
      role: 'tool',
      parts: [{ type: 'server_tool_call_response', ...idOf(callIdOf(item)), server_tool_call_response: { ...genericPart(item), type } }],
      explicit: false,
    };
  }
  return { role: typeof item.role === 'string' ? item.role : 'user', parts: [genericPart(item)], explicit: false };
}

const idOf = (id: string | undefined): { id?: string } => (id ? { id } : {});

/** Function arguments are JSON text on the wire; the conventions record the object. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function reasoningParts(item: Loose): MessagePart[] {
  const texts = [item.summary, item.content, item.rawContent]
    .filter(Array.isArray)
    .flat()
    .map((part) => stringOf(asRecord(part)?.text))
    .filter((text): text is string => text !== undefined && text.length > 0);
  return texts.length > 0 ? texts.map((content) => ({ type: 'reasoning', content })) : [{ type: 'reasoning', content: '' }];
}

/** The SDK's own record of a hosted tool call (name, arguments, output in one item). */
function hostedToolCall(item: Loose): MessagePart[] {
  const name = stringOf(item.name) ?? 'hosted_tool';
  const id = stringOf(item.id, item.callId, item.call_id);
  const parts: MessagePart[] = [
    {
      type: 'server_tool_call',
      ...idOf(id),
      name,
      server_tool_call: { type: name, ...(item.arguments !== undefined ? { arguments: parseArguments(item.arguments) } : {}) },
    },
  ];
  if (item.output !== undefined) {
    parts.push({ type: 'server_tool_call_response', ...idOf(id), server_tool_call_response: { type: name, output: item.output } });
  }
  return parts;
}

function serverToolCall(item: Loose, toolType: string): MessagePart[] {
  const { id: _id, type: _type, status, output, results, outputs, result, ...call } = genericPart(item) as Loose;
  const id = callIdOf(item);
  const name = toolType === 'mcp' ? stringOf(item.name) ?? toolType : toolType;
  const parts: MessagePart[] = [{ type: 'server_tool_call', ...idOf(id), name, server_tool_call: { type: toolType, ...call } }];
  const response = output ?? results ?? outputs ?? result;
  if (response !== undefined || status !== undefined) {
    parts.push({
      type: 'server_tool_call_response',
      ...idOf(id),
      server_tool_call_response: {
        type: toolType,
        ...(status !== undefined ? { status } : {}),
        ...(response !== undefined ? { output: response } : {}),
      },
    });
  }
  return parts;
}

/**
 * A list of Responses API items (the SDK's input items, or the API's own items) as messages:
 * consecutive tool calls and reasoning join the message of the same role before them; each tool
 * result is a message of its own, as in the Chat Completions API, so a reader that takes one
 * result per tool message (OpenInference's, Phoenix's) keeps them all.
 */
export function responsesMessages(items: unknown): ChatMessage[] {
  const list = typeof items === 'string' ? [items] : Array.isArray(items) ? items : items === undefined || items === null ? [] : [items];
  const messages: ChatMessage[] = [];
  let previousExplicit = true;
  for (const item of list) {
    const { role, parts, explicit } = itemMessage(item);
    const last = messages.at(-1);
    if (last && last.role === role && role !== 'tool' && !(explicit && previousExplicit)) last.parts.push(...parts);
    else messages.push({ role, parts });
    previousExplicit = explicit;
  }
  return messages;
}

/** A Responses API response's output: one assistant message with every part, and why it ended. */
export function responsesOutput(response: Loose | undefined): OutputMessage[] {
  if (!response || !Array.isArray(response.output)) return [];
  const parts = responsesMessages(response.output).flatMap((message) => message.parts);
  if (parts.length === 0) return [];
  return [{ role: 'assistant', parts, finish_reason: responseFinishReason(response, parts) }];
}

function responseFinishReason(response: Loose, parts: MessagePart[]): string {
  if (parts.some((part) => part.type === 'tool_call')) return 'tool_call';
  switch (response.status) {
    case 'incomplete': {
      const reason = asRecord(response.incomplete_details)?.reason;
      return reason === 'max_output_tokens' ? 'length' : reason === 'content_filter' ? 'content_filter' : 'length';
    }
    case 'failed':
    case 'cancelled':
      return 'error';
    default:
      return 'stop';
  }
}
