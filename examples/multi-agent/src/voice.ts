/**
 * The voice scenario: a caller asks the concierge about the weather over the Realtime API and is
 * handed to the weather agent, which looks the weather up and answers aloud. Always offline: a
 * scripted caller (PCM audio with a scripted transcript) and a scripted Realtime server on
 * 127.0.0.1, driven through the SDK's own `RealtimeSession` and WebSocket transport.
 *
 *   pnpm demo --voice
 */
import { RealtimeAgent, RealtimeSession } from '@openai/agents/realtime';
import type { TracingProcessor } from '@openai/agents';
import { traceRealtimeSession } from '@agents-tracing/processor';
import { startScriptedRealtime, type ScriptedRealtimeStep } from '@agents-tracing/testing';
import { AGENT_NAMES, getWeather } from './agents.js';

export const VOICE_WORKFLOW = 'Voice concierge';
export const VOICE_GROUP_ID = 'demo-call';
export const VOICE_MODEL = 'gpt-realtime';
export const VOICE_QUESTION = 'What is the weather in Paris?';
export const VOICE_ANSWER = 'It is sunny and 21 degrees in Paris today.';

/** One second of the caller's voice: 16-bit PCM at 24 kHz (silence stands in for speech). */
const CALLER_AUDIO_BYTES = 48_000;

export function buildVoiceAgents(): { concierge: RealtimeAgent; weather: RealtimeAgent } {
  const weather = new RealtimeAgent({
    name: AGENT_NAMES.weather,
    instructions: 'You answer weather questions. Look the weather up with get_weather, then say it briefly.',
    tools: [getWeather],
  });
  const concierge = new RealtimeAgent({
    name: 'Concierge',
    instructions: 'You greet callers and hand weather questions to the weather agent.',
    handoffs: [weather],
  });
  return { concierge, weather };
}

/** What the scripted Realtime model does: hand off, look the weather up, answer. */
export function voiceScript(): ScriptedRealtimeStep[] {
  return [
    { calls: [{ name: 'transfer_to_Weather_agent' }] },
    { calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
    { say: VOICE_ANSWER, audioMs: 1_200 },
  ];
}

export interface VoiceDemoResult {
  /** The SDK trace id of the session (`trace_<32 hex>`), undefined when tracing is off. */
  traceId: string | undefined;
  /** What the weather agent said (the transcript of its audio). */
  answer: string;
}

/** Runs one voice call and closes the session; the session's trace ends with it. */
export async function runVoiceDemo(options: { processor?: TracingProcessor; timeoutMs?: number } = {}): Promise<VoiceDemoResult> {
  const server = await startScriptedRealtime({ responses: voiceScript(), transcripts: [VOICE_QUESTION] });
  const { concierge } = buildVoiceAgents();
  const session = new RealtimeSession(concierge, {
    transport: 'websocket',
    model: VOICE_MODEL,
    workflowName: VOICE_WORKFLOW,
    groupId: VOICE_GROUP_ID,
    traceMetadata: { demo_case: 'voice', user_id: 'demo-user' },
  });
  const trace = traceRealtimeSession(session, options.processor ? { processor: options.processor } : {});
  try {
    const answered = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the voice demo got no answer from the scripted Realtime server')), options.timeoutMs ?? 10_000);
      session.on('agent_end', (_context, agent, output) => {
        if (agent.name === AGENT_NAMES.weather && output) {
          clearTimeout(timer);
          resolve(output);
        }
      });
    });
    await session.connect({ apiKey: 'scripted-realtime', url: server.url });
    session.sendAudio(new ArrayBuffer(CALLER_AUDIO_BYTES), { commit: true });
    const answer = await answered;
    return { traceId: trace.traceId, answer };
  } finally {
    session.close();
    await server.close();
  }
}
