/**
 * Spans as Phoenix's REST API gives them back (`GET /v1/projects/{project}/spans`), and the chat
 * messages Phoenix made of them, read from its flattened OpenInference attributes.
 */
export interface PhoenixSpan {
  name: string;
  context: { trace_id: string; span_id: string };
  parent_id: string | null;
  span_kind: string;
  status_code: string;
  attributes: Record<string, unknown>;
}

export interface PhoenixMessage {
  role: string;
  content?: string;
  toolCallId?: string;
  toolCalls: { id?: string; name: string; arguments: string }[];
}

const POLL_MS = 200;

/** Polls until Phoenix has `expectSpans` spans of the trace (ingest is asynchronous). */
export async function readPhoenixSpans(
  phoenixUrl: string,
  project: string,
  traceId: string,
  { expectSpans, timeoutMs }: { expectSpans: number; timeoutMs: number },
): Promise<PhoenixSpan[]> {
  const url = `${phoenixUrl}/v1/projects/${encodeURIComponent(project)}/spans?trace_id=${traceId}&limit=1000`;
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    const response = await fetch(url);
    if (response.ok) {
      const { data } = (await response.json()) as { data: PhoenixSpan[] };
      if (data.length >= expectSpans) return data;
      seen = data.length;
    } else if (response.status !== 404) {
      throw new Error(`Phoenix answered ${response.status} for the spans of trace ${traceId}: ${await response.text()}`);
    }
    if (Date.now() > deadline) throw new Error(`Phoenix has ${seen} of ${expectSpans} spans of trace ${traceId} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `llm.input_messages` or `llm.output_messages`, rebuilt from their `<prefix>.<i>.message.*` keys. */
export function phoenixMessages(span: PhoenixSpan, prefix: 'llm.input_messages' | 'llm.output_messages'): PhoenixMessage[] {
  const messages: PhoenixMessage[] = [];
  const pattern = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)\\.message\\.(.+)$`);
  for (const [key, value] of Object.entries(span.attributes)) {
    const match = pattern.exec(key);
    if (!match) continue;
    const message = (messages[Number(match[1])] ??= { role: '', toolCalls: [] });
    const field = match[2]!;
    const call = /^tool_calls\.(\d+)\.tool_call\.(id|function\.name|function\.arguments)$/.exec(field);
    if (call) {
      const toolCall = (message.toolCalls[Number(call[1])] ??= { name: '', arguments: '' });
      if (call[2] === 'id') toolCall.id = String(value);
      else if (call[2] === 'function.name') toolCall.name = String(value);
      else toolCall.arguments = String(value);
    } else if (field === 'role') message.role = String(value);
    else if (field === 'content') message.content = String(value);
    else if (field === 'tool_call_id') message.toolCallId = String(value);
  }
  return messages;
}
