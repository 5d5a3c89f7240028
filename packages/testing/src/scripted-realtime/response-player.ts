import type { ScriptedRealtimeReply } from './types.js';
import { argumentsText, silenceChunks, tokensFor, type IdSource, type ServerEvent } from './wire.js';

export interface PlayContext {
  ids: IdSource;
  send(event: ServerEvent): void;
  /** Resolves when the client cancels the response (or after a bound, if it never does). */
  cancelled(): Promise<void>;
  /** `audio` or `text`, from the session's `output_modalities`. */
  modality: 'audio' | 'text';
  /** Id of the last conversation item, for `previous_item_id`. */
  lastItemId(): string | null;
  addItem(item: ServerEvent): void;
  /** Tokens of what the response was given (the conversation so far). */
  inputTokens: number;
}

/** Plays one scripted reply as the Realtime API streams a response; resolves at `response.done`. */
export async function playReply(reply: ScriptedRealtimeReply, responseId: string, ctx: PlayContext): Promise<void> {
  const output: ServerEvent[] = [];
  let status: 'completed' | 'cancelled' = 'completed';
  ctx.send({
    type: 'response.created',
    event_id: ctx.ids.next('event'),
    response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [], output_modalities: [ctx.modality] },
  });
  if (reply.say !== undefined) {
    const cancelled = await playMessage(reply, responseId, output.length, ctx, output);
    if (cancelled) status = 'cancelled';
  }
  if (status === 'completed') {
    for (const call of reply.calls ?? []) playCall(call, responseId, output.length, ctx, output);
  }
  const said = reply.say ?? '';
  const inputTokens = reply.usage?.inputTokens ?? ctx.inputTokens;
  const outputTokens = reply.usage?.outputTokens ?? tokensFor(said + (reply.calls ?? []).map((c) => c.name).join(''));
  const audioTokens = ctx.modality === 'audio' ? Math.ceil(outputTokens / 2) : 0;
  ctx.send({
    type: 'response.done',
    event_id: ctx.ids.next('event'),
    response: {
      id: responseId,
      object: 'realtime.response',
      status,
      ...(status === 'cancelled' ? { status_details: { type: 'cancelled', reason: 'turn_detected' } } : {}),
      output,
      output_modalities: [ctx.modality],
      usage: {
        total_tokens: inputTokens + outputTokens,
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        input_token_details: { text_tokens: inputTokens, audio_tokens: 0, cached_tokens: reply.usage?.cachedTokens ?? 0 },
        output_token_details: { text_tokens: outputTokens - audioTokens, audio_tokens: audioTokens },
      },
    },
  });
}

/** Returns true when the caller talked over it and the client cancelled. */
async function playMessage(
  reply: ScriptedRealtimeReply,
  responseId: string,
  outputIndex: number,
  ctx: PlayContext,
  output: ServerEvent[],
): Promise<boolean> {
  const text = reply.say ?? '';
  const itemId = ctx.ids.next('item');
  const partType = ctx.modality === 'audio' ? 'audio' : 'text';
  const base = { response_id: responseId, item_id: itemId, output_index: outputIndex, content_index: 0 };
  const item = { id: itemId, object: 'realtime.item', type: 'message', role: 'assistant', status: 'in_progress', content: [] };
  const previous = ctx.lastItemId();
  ctx.send({ type: 'response.output_item.added', event_id: ctx.ids.next('event'), response_id: responseId, output_index: outputIndex, item });
  ctx.send({ type: 'conversation.item.added', event_id: ctx.ids.next('event'), previous_item_id: previous, item });
  ctx.send({ type: 'response.content_part.added', event_id: ctx.ids.next('event'), ...base, part: { type: partType, ...(partType === 'audio' ? { transcript: '' } : { text: '' }) } });
  const words = text.split(/(?<= )/).filter((w) => w.length > 0);
  let spoken = '';
  let cancelled = false;
  if (ctx.modality === 'audio') {
    const chunks = silenceChunks(reply.audioMs ?? 300);
    for (const [index, chunk] of chunks.entries()) {
      ctx.send({ type: 'response.output_audio.delta', event_id: ctx.ids.next('event'), ...base, delta: chunk });
      const share = words.splice(0, Math.ceil(words.length / (chunks.length - index)));
      for (const word of share) {
        spoken += word;
        ctx.send({ type: 'response.output_audio_transcript.delta', event_id: ctx.ids.next('event'), ...base, delta: word });
      }
      if (reply.bargeIn && index === 0) {
        ctx.send({ type: 'input_audio_buffer.speech_started', event_id: ctx.ids.next('event'), audio_start_ms: 100, item_id: ctx.ids.next('item') });
        await ctx.cancelled();
        cancelled = true;
        break;
      }
    }
    for (const word of cancelled ? [] : words) {
      spoken += word;
      ctx.send({ type: 'response.output_audio_transcript.delta', event_id: ctx.ids.next('event'), ...base, delta: word });
    }
    ctx.send({ type: 'response.output_audio.done', event_id: ctx.ids.next('event'), ...base });
    ctx.send({ type: 'response.output_audio_transcript.done', event_id: ctx.ids.next('event'), ...base, transcript: spoken });
  } else {
    for (const word of words) {
      spoken += word;
      ctx.send({ type: 'response.output_text.delta', event_id: ctx.ids.next('event'), ...base, delta: word });
    }
    ctx.send({ type: 'response.output_text.done', event_id: ctx.ids.next('event'), ...base, text: spoken });
  }
  const part = partType === 'audio' ? { type: 'output_audio', transcript: spoken } : { type: 'output_text', text: spoken };
  ctx.send({ type: 'response.content_part.done', event_id: ctx.ids.next('event'), ...base, part: { type: partType, ...(partType === 'audio' ? { transcript: spoken } : { text: spoken }) } });
  const done = { ...item, status: cancelled ? 'incomplete' : 'completed', content: [part] };
  ctx.send({ type: 'response.output_item.done', event_id: ctx.ids.next('event'), response_id: responseId, output_index: outputIndex, item: done });
  ctx.send({ type: 'conversation.item.done', event_id: ctx.ids.next('event'), previous_item_id: previous, item: done });
  ctx.addItem(done);
  output.push(done);
  return cancelled;
}

function playCall(
  call: NonNullable<ScriptedRealtimeReply['calls']>[number],
  responseId: string,
  outputIndex: number,
  ctx: PlayContext,
  output: ServerEvent[],
): void {
  const itemId = ctx.ids.next('item');
  const callId = call.callId ?? ctx.ids.next('call');
  const args = argumentsText(call.arguments);
  const item = { id: itemId, object: 'realtime.item', type: 'function_call', status: 'in_progress', name: call.name, call_id: callId, arguments: '' };
  const previous = ctx.lastItemId();
  ctx.send({ type: 'response.output_item.added', event_id: ctx.ids.next('event'), response_id: responseId, output_index: outputIndex, item });
  ctx.send({ type: 'conversation.item.added', event_id: ctx.ids.next('event'), previous_item_id: previous, item });
  const base = { response_id: responseId, item_id: itemId, output_index: outputIndex, call_id: callId };
  ctx.send({ type: 'response.function_call_arguments.delta', event_id: ctx.ids.next('event'), ...base, delta: args });
  ctx.send({ type: 'response.function_call_arguments.done', event_id: ctx.ids.next('event'), ...base, arguments: args });
  const done = { ...item, status: 'completed', arguments: args };
  ctx.send({ type: 'response.output_item.done', event_id: ctx.ids.next('event'), response_id: responseId, output_index: outputIndex, item: done });
  ctx.send({ type: 'conversation.item.done', event_id: ctx.ids.next('event'), previous_item_id: previous, item: done });
  ctx.addItem(done);
  output.push(done);
}
