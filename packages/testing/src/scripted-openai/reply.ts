import type { IdSequence } from './ids.js';
import type { ScriptedReply, ScriptedRequest } from './types.js';

/** A reply with every default filled in, ready to render for either API. */
export interface ResolvedReply {
  text: string | undefined;
  toolCalls: { callId: string; name: string; arguments: string }[];
  usage: {
    inputTokens: number;
    outputTokens: number;
    totalTokens: number;
    cachedTokens: number;
    reasoningTokens: number;
  };
}

/** About four characters a token: deterministic, and of a plausible size. */
const tokensFor = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function requestText(request: ScriptedRequest): string {
  const parts = request.conversation.map((entry) =>
    entry.type === 'message' ? entry.text : entry.type === 'tool_call' ? entry.name + entry.arguments : entry.output,
  );
  return (request.instructions ?? '') + parts.join('');
}

export function resolveReply(step: ScriptedReply, request: ScriptedRequest, ids: IdSequence): ResolvedReply {
  const toolCalls = (step.toolCalls ?? []).map((call) => ({
    callId: call.callId ?? ids.next('call_'),
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
  const outputText = (step.text ?? '') + toolCalls.map((call) => call.name + call.arguments).join('');
  const inputTokens = step.usage?.inputTokens ?? tokensFor(requestText(request));
  const outputTokens = step.usage?.outputTokens ?? tokensFor(outputText);
  return {
    text: step.text,
    toolCalls,
    usage: {
      inputTokens,
      outputTokens,
      totalTokens: step.usage?.totalTokens ?? inputTokens + outputTokens,
      cachedTokens: step.usage?.cachedTokens ?? 0,
      reasoningTokens: step.usage?.reasoningTokens ?? 0,
    },
  };
}

/** Splits streamed text into word-sized deltas, so consumers see more than one. */
export function textDeltas(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
}

/** Splits streamed tool-call arguments into small pieces, as the real API does. */
export function argumentDeltas(args: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < args.length; start += 8) pieces.push(args.slice(start, start + 8));
  return pieces;
}
