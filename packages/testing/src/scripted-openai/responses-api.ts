import type { IdSequence } from './ids.js';
import { argumentDeltas, textDeltas, type ResolvedReply } from './reply.js';
import type { ScriptedRequest } from './types.js';

type Json = Record<string, unknown>;
type ItemStatus = 'in_progress' | 'completed';

/** One Responses API answer with its ids assigned. */
interface ResponsePlan {
  id: string;
  createdAt: number;
  message: { id: string; text: string } | undefined;
  calls: { id: string; callId: string; name: string; arguments: string }[];
  usage: ResolvedReply['usage'];
}

function plan(reply: ResolvedReply, ids: IdSequence): ResponsePlan {
  return {
    id: ids.next('resp_'),
    createdAt: Math.floor(Date.now() / 1000),
    message: reply.text === undefined ? undefined : { id: ids.next('msg_'), text: reply.text },
    calls: reply.toolCalls.map((call) => ({ id: ids.next('fc_'), ...call })),
    usage: reply.usage,
  };
}

const outputText = (text: string): Json => ({ type: 'output_text', text, annotations: [], logprobs: [] });

const messageItem = (message: { id: string; text: string }, status: ItemStatus): Json => ({
  type: 'message',
  id: message.id,
  status,
  role: 'assistant',
  content: status === 'completed' ? [outputText(message.text)] : [],
});

const functionCallItem = (call: ResponsePlan['calls'][number], status: ItemStatus): Json => ({
  type: 'function_call',
  id: call.id,
  call_id: call.callId,
  name: call.name,
  arguments: status === 'completed' ? call.arguments : '',
  status,
});

function outputItems(p: ResponsePlan): Json[] {
  const message = p.message ? [messageItem(p.message, 'completed')] : [];
  return [...message, ...p.calls.map((call) => functionCallItem(call, 'completed'))];
}

const usageBody = ({ usage }: ResponsePlan): Json => ({
  input_tokens: usage.inputTokens,
  input_tokens_details: { cached_tokens: usage.cachedTokens },
  output_tokens: usage.outputTokens,
  output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  total_tokens: usage.totalTokens,
});

/** The response object; request settings are echoed back as the real API does. */
function responseObject(request: ScriptedRequest, p: ResponsePlan, completed: boolean): Json {
  const { body } = request;
  return {
    id: p.id,
    object: 'response',
    created_at: p.createdAt,
    status: completed ? 'completed' : 'in_progress',
    completed_at: completed ? Math.floor(Date.now() / 1000) : null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    model: request.model,
    output: completed ? outputItems(p) : [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: completed ? usageBody(p) : null,
  };
}

/** The non-streaming `POST /v1/responses` answer. */
export function responsesBody(request: ScriptedRequest, reply: ResolvedReply, ids: IdSequence): Json {
  return responseObject(request, plan(reply, ids), true);
}

function messageEvents(message: { id: string; text: string }, outputIndex: number): Json[] {
  const at = { item_id: message.id, output_index: outputIndex, content_index: 0 };
  return [
    { type: 'response.output_item.added', output_index: outputIndex, item: messageItem(message, 'in_progress') },
    { type: 'response.content_part.added', ...at, part: outputText('') },
    ...textDeltas(message.text).map((delta) => ({ type: 'response.output_text.delta', ...at, delta, logprobs: [] })),
    { type: 'response.output_text.done', ...at, text: message.text, logprobs: [] },
    { type: 'response.content_part.done', ...at, part: outputText(message.text) },
    { type: 'response.output_item.done', output_index: outputIndex, item: messageItem(message, 'completed') },
  ];
}

function functionCallEvents(call: ResponsePlan['calls'][number], outputIndex: number): Json[] {
  const at = { item_id: call.id, output_index: outputIndex };
  return [
    { type: 'response.output_item.added', output_index: outputIndex, item: functionCallItem(call, 'in_progress') },
    ...argumentDeltas(call.arguments).map((delta) => ({ type: 'response.function_call_arguments.delta', ...at, delta })),
    { type: 'response.function_call_arguments.done', ...at, arguments: call.arguments },
    { type: 'response.output_item.done', output_index: outputIndex, item: functionCallItem(call, 'completed') },
  ];
}

/** The `POST /v1/responses` stream; each event's `type` is also its SSE event name. */
export function responsesEvents(request: ScriptedRequest, reply: ResolvedReply, ids: IdSequence): Json[] {
  const p = plan(reply, ids);
  const firstCallIndex = p.message ? 1 : 0;
  const events: Json[] = [
    { type: 'response.created', response: responseObject(request, p, false) },
    { type: 'response.in_progress', response: responseObject(request, p, false) },
    ...(p.message ? messageEvents(p.message, 0) : []),
    ...p.calls.flatMap((call, index) => functionCallEvents(call, firstCallIndex + index)),
    { type: 'response.completed', response: responseObject(request, p, true) },
  ];
  return events.map((event, sequence) => ({ ...event, sequence_number: sequence }));
}
