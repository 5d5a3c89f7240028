/**
 * The GenAI conventions' messages (`gen_ai.input.messages`, `gen_ai.output.messages`,
 * `gen_ai.system_instructions`) in the OpenAI Chat Completions shape that MLflow's trace UI renders
 * as a conversation (`mlflow.message.format` = `openai`): a request `{messages}` and a response
 * `{choices}`. Tool calls become `tool_calls`, their results `tool` messages, so the chat view shows
 * User / Assistant / tool-call / tool-result bubbles instead of a dump of the parts.
 */

type Loose = Record<string, unknown>;

interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface ChatMessage {
  role: string;
  content: string | null;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  name?: string;
}

const record = (value: unknown): Loose | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

/** A part that is not a tool call or result, as the text a reader sees. */
function partText(part: Loose): string | undefined {
  switch (part.type) {
    case 'text':
    case 'refusal':
      return text(part.content);
    case 'reasoning':
      return undefined;
    case 'blob':
      return `[${String(part.modality ?? 'data')}: ${text(part.content)}]`;
    case 'uri':
      return `[${String(part.modality ?? 'file')}: ${text(part.uri)}]`;
    case 'file':
      return `[${String(part.modality ?? 'file')}: ${text(part.file_id)}]`;
    default:
      return text(part);
  }
}

/** One conventions message as one or more chat messages (each tool result is its own message). */
function chatMessages(value: unknown): ChatMessage[] {
  const message = record(value);
  if (!message || !Array.isArray(message.parts)) return [{ role: 'user', content: text(value) }];
  const role = typeof message.role === 'string' ? message.role : 'user';
  const texts: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  const results: ChatMessage[] = [];
  for (const value of message.parts) {
    const part = record(value);
    if (!part) continue;
    const id = typeof part.id === 'string' ? part.id : '';
    if (part.type === 'tool_call') {
      toolCalls.push({ id, type: 'function', function: { name: text(part.name), arguments: text(part.arguments ?? {}) } });
    } else if (part.type === 'server_tool_call') {
      toolCalls.push({ id, type: 'function', function: { name: text(part.name), arguments: text(part.server_tool_call ?? {}) } });
    } else if (part.type === 'tool_call_response') {
      results.push({ role: 'tool', tool_call_id: id, content: text(part.response) });
    } else if (part.type === 'server_tool_call_response') {
      results.push({ role: 'tool', tool_call_id: id, content: text(part.server_tool_call_response) });
    } else {
      const shown = partText(part);
      if (shown !== undefined) texts.push(shown);
    }
  }
  const own: ChatMessage[] = [];
  if (texts.length > 0 || toolCalls.length > 0 || results.length === 0) {
    own.push({
      role: role === 'tool' ? 'assistant' : role,
      content: texts.length > 0 ? texts.join('\n') : null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      ...(typeof message.name === 'string' ? { name: message.name } : {}),
    });
  }
  return [...own, ...results];
}

function parsed(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * The request of a model call or agent: system instructions first, then the messages. Undefined
 * when the content is not the conventions' list (cut at the size limit, or plain text).
 */
export function chatRequest(inputJson: string | undefined, systemJson: string | undefined): string | undefined {
  const input = parsed(inputJson);
  if (!Array.isArray(input)) return undefined;
  const system = parsed(systemJson);
  const instructions = Array.isArray(system)
    ? system.map((part) => partText(record(part) ?? { type: 'text', content: text(part) })).filter((t) => t !== undefined)
    : [];
  const messages: ChatMessage[] = instructions.length > 0 ? [{ role: 'system', content: instructions.join('\n') }] : [];
  for (const message of input) messages.push(...chatMessages(message));
  return JSON.stringify({ messages });
}

const FINISH_REASONS: Readonly<Record<string, string>> = { tool_call: 'tool_calls' };

/** The response of a model call or agent: one choice per output message. */
export function chatResponse(outputJson: string | undefined): string | undefined {
  const output = parsed(outputJson);
  if (!Array.isArray(output)) return undefined;
  const choices = output.map((value, index) => {
    const message = record(value);
    const [first] = chatMessages(value);
    const reason = typeof message?.finish_reason === 'string' ? message.finish_reason : 'stop';
    return {
      index,
      message: { ...(first ?? { content: null }), role: 'assistant' },
      finish_reason: FINISH_REASONS[reason] ?? reason,
    };
  });
  return JSON.stringify({ object: 'chat.completion', choices });
}
