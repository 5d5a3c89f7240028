import type { ConversationEntry, ConversationToolCall, ScriptedApi, ScriptedRequest } from './types.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const MESSAGE_ROLES = new Set(['system', 'developer', 'user', 'assistant']);
type MessageRole = Extract<ConversationEntry, { type: 'message' }>['role'];
const isMessageRole = (role: unknown): role is MessageRole => typeof role === 'string' && MESSAGE_ROLES.has(role);

/** Text of message content in either API: a string, or parts carrying `text` (or a refusal). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObject(part) ? (asString(part.text) ?? asString(part.refusal) ?? '') : ''))
    .join('');
}

/** A tool output is a string, or content parts (text, images…); non-text parts are kept as JSON. */
function toolOutputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output) && output.every((part) => isObject(part) && typeof part.text === 'string')) {
    return contentText(output);
  }
  return JSON.stringify(output ?? null);
}

function responsesConversation(input: unknown): ConversationEntry[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', text: input }];
  if (!Array.isArray(input)) return [];
  const entries: ConversationEntry[] = [];
  for (const item of input) {
    if (!isObject(item)) continue;
    if ((item.type === undefined || item.type === 'message') && isMessageRole(item.role)) {
      entries.push({ type: 'message', role: item.role, text: contentText(item.content) });
    } else if (item.type === 'function_call') {
      entries.push({
        type: 'tool_call',
        callId: asString(item.call_id) ?? '',
        name: asString(item.name) ?? '',
        arguments: asString(item.arguments) ?? '',
      });
    } else if (item.type === 'function_call_output') {
      entries.push({ type: 'tool_output', callId: asString(item.call_id) ?? '', output: toolOutputText(item.output) });
    }
  }
  return entries;
}

function chatConversation(messages: unknown): ConversationEntry[] {
  if (!Array.isArray(messages)) return [];
  const entries: ConversationEntry[] = [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    if (message.role === 'tool') {
      entries.push({
        type: 'tool_output',
        callId: asString(message.tool_call_id) ?? '',
        output: toolOutputText(message.content),
      });
      continue;
    }
    if (!isMessageRole(message.role)) continue;
    const text = contentText(message.content);
    const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : [];
    // An assistant turn that only calls tools carries no text: it is its tool calls alone.
    if (text !== '' || toolCalls.length === 0) entries.push({ type: 'message', role: message.role, text });
    for (const call of toolCalls) {
      const fn = isObject(call.function) ? call.function : {};
      entries.push({
        type: 'tool_call',
        callId: asString(call.id) ?? '',
        name: asString(fn.name) ?? '',
        arguments: asString(fn.arguments) ?? '',
      });
    }
  }
  return entries;
}

const isInstruction = (entry: ConversationEntry): boolean =>
  entry.type === 'message' && (entry.role === 'system' || entry.role === 'developer');

/** Chat Completions carries the agent's instructions as the system/developer messages that open the list. */
function splitLeadingInstructions(entries: ConversationEntry[]): {
  instructions: string | undefined;
  conversation: ConversationEntry[];
} {
  let count = 0;
  while (count < entries.length && isInstruction(entries[count]!)) count += 1;
  const leading = entries.slice(0, count).map((entry) => (entry.type === 'message' ? entry.text : ''));
  return { instructions: count > 0 ? leading.join('\n') : undefined, conversation: entries.slice(count) };
}

function toolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.filter(isObject).map((tool) => {
    const nested = isObject(tool.function) ? tool.function : isObject(tool.custom) ? tool.custom : {};
    return asString(tool.name) ?? asString(nested.name) ?? asString(tool.type) ?? '';
  });
}

function toolCallsWithOutputs(conversation: ConversationEntry[]): {
  toolCalls: ConversationToolCall[];
  toolOutputs: Record<string, string>;
} {
  const toolOutputs: Record<string, string> = {};
  for (const entry of conversation) {
    if (entry.type === 'tool_output') toolOutputs[entry.callId] = entry.output;
  }
  const toolCalls = conversation.flatMap((entry) =>
    entry.type === 'tool_call'
      ? [{ callId: entry.callId, name: entry.name, arguments: entry.arguments, output: toolOutputs[entry.callId] }]
      : [],
  );
  return { toolCalls, toolOutputs };
}

/** Parses a request body of either API into the shape responders route on. */
export function parseRequest(api: ScriptedApi, body: Json, index: number): ScriptedRequest {
  let instructions: string | undefined;
  let conversation: ConversationEntry[];
  if (api === 'responses') {
    instructions = typeof body.instructions === 'string' ? body.instructions : undefined;
    conversation = responsesConversation(body.input);
  } else {
    ({ instructions, conversation } = splitLeadingInstructions(chatConversation(body.messages)));
  }
  const lastUser = conversation.findLast((entry) => entry.type === 'message' && entry.role === 'user');
  const fromModel = conversation.some(
    (entry) => entry.type !== 'message' || entry.role === 'assistant',
  );
  const continuesStoredState = body.previous_response_id != null || body.conversation != null;
  return {
    index,
    api,
    model: asString(body.model) ?? '',
    stream: body.stream === true,
    instructions,
    conversation,
    toolNames: toolNames(body.tools),
    lastUserText: lastUser?.type === 'message' ? lastUser.text : undefined,
    ...toolCallsWithOutputs(conversation),
    isFirstRequest: !fromModel && !continuesStoredState,
    body,
  };
}
