import type { IdSequence } from './ids.js';
import { argumentDeltas, textDeltas, type ResolvedReply } from './reply.js';
import type { ScriptedRequest } from './types.js';

type Json = Record<string, unknown>;

const finishReason = (reply: ResolvedReply): string => (reply.toolCalls.length > 0 ? 'tool_calls' : 'stop');

const usageBody = ({ usage }: ResolvedReply): Json => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.totalTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: usage.reasoningTokens,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
});

const envelope = (id: string, request: ScriptedRequest, object: string): Json => ({
  id,
  object,
  created: Math.floor(Date.now() / 1000),
  model: request.model,
  service_tier: 'default',
  system_fingerprint: null,
});

/** The non-streaming `POST /v1/chat/completions` answer. */
export function chatCompletionBody(request: ScriptedRequest, reply: ResolvedReply, ids: IdSequence): Json {
  const toolCalls = reply.toolCalls.map((call) => ({
    id: call.callId,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    ...envelope(ids.next('chatcmpl-'), request, 'chat.completion'),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          refusal: null,
          annotations: [],
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(reply),
      },
    ],
    usage: usageBody(reply),
  };
}

/**
 * The `POST /v1/chat/completions` stream chunks (the caller ends with `[DONE]`): a role chunk, text
 * deltas, each tool call's id and name then its argument pieces, a finish chunk, and with
 * `stream_options.include_usage` a last chunk with no choices and the usage.
 */
export function chatCompletionChunks(request: ScriptedRequest, reply: ResolvedReply, ids: IdSequence): Json[] {
  const includeUsage =
    typeof request.body.stream_options === 'object' &&
    request.body.stream_options !== null &&
    (request.body.stream_options as Json).include_usage === true;
  const base = envelope(ids.next('chatcmpl-'), request, 'chat.completion.chunk');
  const chunk = (delta: Json, finish: string | null = null): Json => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  return [
    chunk({ role: 'assistant', content: reply.text === undefined ? null : '', refusal: null }),
    ...textDeltas(reply.text ?? '').map((content) => chunk({ content })),
    ...reply.toolCalls.flatMap((call, index) => [
      chunk({
        tool_calls: [{ index, id: call.callId, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
      ...argumentDeltas(call.arguments).map((piece) => chunk({ tool_calls: [{ index, function: { arguments: piece } }] })),
    ]),
    chunk({}, finishReason(reply)),
    ...(includeUsage ? [{ ...base, choices: [], usage: usageBody(reply) }] : []),
  ];
}
