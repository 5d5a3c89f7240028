import { RealtimeAgent, RealtimeSession, tool, type RealtimeOutputGuardrail } from '@openai/agents/realtime';
import { setTracingDisabled } from '@openai/agents';
import { AGENTS, GEN_AI, REALTIME, traceRealtimeSession, type FlatSpan } from '@agents-tracing/processor';
import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  describeTreeMismatch,
  matchSpanTree,
  recordAgentSpans,
  startScriptedRealtime,
  type AgentSpanRecorder,
  type ExpectedSpan,
  type ScriptedRealtime,
  type ScriptedRealtimeOptions,
} from '../src/index.js';
import { genaiSchemaViolations } from '../../core/test/genai-schemas.js';

const QUESTION = 'What is the weather in Paris?';
const ANSWER = 'It is sunny in Paris.';
/** Half a second of 16-bit PCM at 24 kHz. */
const CALLER_AUDIO = new ArrayBuffer(24_000);

let recorder: AgentSpanRecorder | undefined;
let server: ScriptedRealtime | undefined;
afterEach(async () => {
  await recorder?.stop();
  await server?.close();
  recorder = undefined;
  server = undefined;
});

function agents(weatherTool = tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `Sunny in ${city}`,
})) {
  const weather = new RealtimeAgent({ name: 'Weather agent', instructions: 'Answer weather questions.', tools: [weatherTool] });
  const concierge = new RealtimeAgent({ name: 'Concierge', instructions: 'Route callers.', handoffs: [weather] });
  return { weather, concierge };
}

/** A real RealtimeSession on the SDK's WebSocket transport, against the scripted server. */
async function connectSession(
  script: ScriptedRealtimeOptions,
  sessionOptions: { outputGuardrails?: RealtimeOutputGuardrail[]; agent?: RealtimeAgent } = {},
  recorderOptions: Parameters<typeof recordAgentSpans>[0] = {},
) {
  recorder = recordAgentSpans(recorderOptions);
  server = await startScriptedRealtime(script);
  const session = new RealtimeSession(sessionOptions.agent ?? agents().concierge, {
    transport: 'websocket',
    model: 'gpt-realtime',
    workflowName: 'Voice concierge',
    groupId: 'call-42',
    traceMetadata: { user_id: 'caller-7' },
    ...(sessionOptions.outputGuardrails ? { outputGuardrails: sessionOptions.outputGuardrails } : {}),
  });
  const outputs: string[] = [];
  const errors: unknown[] = [];
  session.on('agent_end', (_c, _a, output) => outputs.push(output));
  session.on('error', (e) => errors.push(e));
  const trace = traceRealtimeSession(session);
  await session.connect({ apiKey: 'test-key', url: server.url });
  return { session, trace, outputs, errors, recorder, server };
}

const byName = (spans: FlatSpan[], name: string | RegExp): FlatSpan[] =>
  spans.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));

/** Role and text of each message in the GenAI conventions' format. */
function messageTexts(json: unknown): { role: string; text: string }[] {
  const messages = JSON.parse(String(json)) as { role: string; parts: { content?: string }[] }[];
  return messages.map((m) => ({ role: m.role, text: m.parts.map((p) => p.content ?? '').join('') }));
}

describe('traceRealtimeSession through a real RealtimeSession', () => {
  test('a voice call gives the tree of a text run: agents, turns, model calls, the handoff and the tool', async () => {
    const { session, trace, outputs } = await connectSession({
      transcripts: [QUESTION],
      responses: [
        { calls: [{ name: 'transfer_to_Weather_agent' }], usage: { inputTokens: 40, outputTokens: 5 } },
        { calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage: { inputTokens: 90, outputTokens: 8, cachedTokens: 30 } },
        { say: ANSWER, audioMs: 500, usage: { inputTokens: 120, outputTokens: 20 } },
      ],
    });
    session.sendAudio(CALLER_AUDIO, { commit: true });
    await expect.poll(() => outputs.at(-1), { timeout: 5_000 }).toBe(ANSWER);
    session.close();

    const hex = trace.traceId!.replace('trace_', '');
    const tree = recorder!.tree({ traceId: hex });
    const chat = { name: 'chat gpt-realtime', kind: 'CLIENT' as const, attributes: { [GEN_AI.OPERATION_NAME]: 'chat', [GEN_AI.REQUEST_MODEL]: 'gpt-realtime' } };
    const expected: ExpectedSpan = {
      name: 'Voice concierge',
      attributes: { [GEN_AI.CONVERSATION_ID]: 'call-42', [GEN_AI.WORKFLOW_NAME]: 'Voice concierge', 'user.id': 'caller-7' },
      children: [
        {
          name: 'invoke_agent Concierge',
          attributes: { [GEN_AI.AGENT_NAME]: 'Concierge', [AGENTS.AGENT_HANDOFFS]: ['Weather agent'] },
          children: [
            {
              name: 'turn 1 Concierge',
              children: [
                { ...chat, attributes: { ...chat.attributes, [GEN_AI.USAGE_INPUT_TOKENS]: 40, [GEN_AI.USAGE_OUTPUT_TOKENS]: 5 } },
                { name: 'handoff Concierge → Weather agent', attributes: { [AGENTS.HANDOFF_FROM]: 'Concierge', [AGENTS.HANDOFF_TO]: 'Weather agent' } },
              ],
            },
          ],
        },
        {
          name: 'invoke_agent Weather agent',
          attributes: { [AGENTS.AGENT_TOOLS]: ['get_weather'] },
          children: [
            {
              name: 'turn 2 Weather agent',
              children: [
                { ...chat, attributes: { ...chat.attributes, [GEN_AI.USAGE_INPUT_TOKENS]: 90, [GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS]: 30 } },
                {
                  name: 'execute_tool get_weather',
                  attributes: { [GEN_AI.TOOL_CALL_ARGUMENTS]: '{"city":"Paris"}', [GEN_AI.TOOL_CALL_RESULT]: 'Sunny in Paris', [GEN_AI.TOOL_CALL_ID]: /^call_/ },
                },
              ],
            },
            { name: 'turn 3 Weather agent', children: [{ ...chat, attributes: { ...chat.attributes, [GEN_AI.USAGE_OUTPUT_TOKENS]: 20 } }] },
          ],
        },
      ],
    };
    const result = matchSpanTree(tree, expected);
    expect(result.pass, describeTreeMismatch(tree, result)).toBe(true);
    expect(recorder!.spans().filter((s) => s.status.code === 'ERROR')).toEqual([]);
    // The voice run's content follows the GenAI conventions' JSON schemas, like a text run's.
    expect(genaiSchemaViolations(recorder!.spans())).toEqual([]);
    expect(recorder!.processor.openSpanCount).toBe(0);
    expect(recorder!.processor.openTraceCount).toBe(0);
  });

  test("the caller's and the assistant's transcripts are the model calls' messages; audio is summarised, never recorded", async () => {
    const { session, outputs } = await connectSession({
      transcripts: [QUESTION],
      responses: [{ say: ANSWER, audioMs: 800 }],
    });
    session.sendAudio(CALLER_AUDIO, { commit: true });
    await expect.poll(() => outputs.at(-1), { timeout: 5_000 }).toBe(ANSWER);
    session.close();

    const [response] = byName(recorder!.spans(), 'chat gpt-realtime');
    // The GenAI conventions' message format.
    expect(JSON.parse(String(response!.attributes[GEN_AI.INPUT_MESSAGES]))).toEqual([{ role: 'user', parts: [{ type: 'text', content: QUESTION }] }]);
    expect(JSON.parse(String(response!.attributes[GEN_AI.OUTPUT_MESSAGES]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: ANSWER }], finish_reason: 'stop' },
    ]);
    expect(response!.attributes).toMatchObject({
      [`${REALTIME.AUDIO_INPUT}.format`]: 'audio/pcm;rate=24000',
      [`${REALTIME.AUDIO_INPUT}.bytes`]: 24_000,
      [`${REALTIME.AUDIO_INPUT}.duration_ms`]: 500,
      [`${REALTIME.AUDIO_OUTPUT}.bytes`]: 38_400,
      [`${REALTIME.AUDIO_OUTPUT}.duration_ms`]: 800,
    });
    // The server streamed base64 audio; none of it (nor any long base64 run) reaches a span.
    const everything = JSON.stringify(recorder!.spans().map((s) => s.attributes));
    expect(everything).not.toMatch(/[A-Za-z0-9+/]{200,}/);
  });

  test('a transcript that arrives after the response it led to still reaches its messages', async () => {
    const { session, outputs } = await connectSession({
      transcripts: [QUESTION],
      lateTranscripts: true,
      responses: [{ say: ANSWER }],
    });
    session.sendAudio(CALLER_AUDIO, { commit: true });
    await expect.poll(() => outputs.at(-1), { timeout: 5_000 }).toBe(ANSWER);
    await expect.poll(() => byName(recorder!.spans(), 'chat gpt-realtime').length, { timeout: 5_000 }).toBe(1);
    session.close();
    const [response] = byName(recorder!.spans(), 'chat gpt-realtime');
    expect(messageTexts(response!.attributes[GEN_AI.INPUT_MESSAGES])).toEqual([{ role: 'user', text: QUESTION }]);
  });

  test('a tool that throws gives an error span, and the session goes on', async () => {
    const failing = tool({
      name: 'get_weather',
      description: 'Current weather for a city.',
      parameters: z.object({ city: z.string() }),
      execute: async () => {
        throw new Error('weather service down');
      },
    });
    const { weather } = agents(failing);
    const { session, outputs } = await connectSession(
      { responses: [{ calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, { say: 'Sorry, I cannot tell.' }] },
      { agent: weather },
    );
    session.sendMessage(QUESTION);
    await expect.poll(() => outputs.at(-1), { timeout: 5_000 }).toBe('Sorry, I cannot tell.');
    session.close();
    const [toolSpan] = byName(recorder!.spans(), 'execute_tool get_weather');
    expect(toolSpan!.status.code).toBe('ERROR');
    expect(toolSpan!.attributes[AGENTS.ERROR_DATA]).toMatch(/get_weather/);
    expect(toolSpan!.events.map((e) => e.name)).toContain('exception');
  });

  test('a tripped output guardrail is a guardrail span marked as in text runs', async () => {
    const noSunshine: RealtimeOutputGuardrail = {
      name: 'no forecasts',
      execute: async ({ agentOutput }) => ({ tripwireTriggered: /sunny/i.test(agentOutput), outputInfo: { checked: true } }),
    };
    const { session, outputs } = await connectSession(
      { responses: [{ say: ANSWER }, { say: 'I cannot give forecasts.' }] },
      { outputGuardrails: [noSunshine] },
    );
    session.sendMessage(QUESTION);
    await expect.poll(() => outputs.at(-1), { timeout: 5_000 }).toBe('I cannot give forecasts.');
    session.close();
    const [guardrail] = byName(recorder!.spans(), 'guardrail no forecasts');
    expect(guardrail!.status.code).toBe('ERROR');
    expect(guardrail!.attributes[AGENTS.GUARDRAIL_TRIGGERED]).toBe(true);
    expect(guardrail!.events.map((e) => e.name)).toContain('exception');
  });

  test('a caller talking over the answer is an interruption event on the model call', async () => {
    const { session, outputs } = await connectSession({ responses: [{ say: ANSWER, audioMs: 1_000, bargeIn: true }] });
    const interrupted = new Promise<void>((resolve) => session.on('audio_interrupted', () => resolve()));
    session.sendMessage(QUESTION);
    await interrupted;
    await expect.poll(() => outputs.length, { timeout: 5_000 }).toBe(1);
    session.close();
    const [response] = byName(recorder!.spans(), 'chat gpt-realtime');
    const event = response!.events.find((e) => e.name === REALTIME.INTERRUPTION_EVENT);
    expect(event?.attributes?.[REALTIME.RESPONSE_ID]).toBe(response!.attributes[GEN_AI.RESPONSE_ID]);
    expect(response!.attributes[GEN_AI.RESPONSE_FINISH_REASONS]).toBeDefined();
    expect(JSON.stringify(response!.attributes[GEN_AI.RESPONSE_FINISH_REASONS])).toMatch(/cancel|error/);
  });

  test('an error from the server is an error span where the conversation is, and the session goes on', async () => {
    const { session, outputs, errors } = await connectSession({
      responses: [{ error: { message: 'The server had an error while processing your request.', code: 'server_error' } }, { say: ANSWER }],
    });
    session.sendMessage(QUESTION);
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBe(1);
    session.sendMessage('Again, please.');
    await expect.poll(() => outputs.at(-1), { timeout: 5_000 }).toBe(ANSWER);
    session.close();
    const [errorSpan] = byName(recorder!.spans(), 'realtime error server_error');
    expect(errorSpan!.status).toMatchObject({ code: 'ERROR', message: 'The server had an error while processing your request.' });
    const root = recorder!.spans().find((s) => s.parentSpanId === undefined);
    expect(root!.status.code).not.toBe('ERROR');
  });

  test('a dropped connection closes every span, marks the call failed and leaves nothing open', async () => {
    const { session, trace } = await connectSession({ responses: [{ drop: true }] });
    const disconnected = new Promise<void>((resolve) =>
      session.transport.on('connection_change', (status) => status === 'disconnected' && resolve()),
    );
    session.sendMessage(QUESTION);
    await disconnected;
    const hex = trace.traceId!.replace('trace_', '');
    const tree = recorder!.tree({ traceId: hex });
    const result = matchSpanTree(tree, {
      name: 'Voice concierge',
      status: 'ERROR',
      children: [
        {
          name: 'invoke_agent Concierge',
          status: 'ERROR',
          children: [{ name: 'turn 1 Concierge', children: [{ name: 'chat gpt-realtime', status: 'ERROR' }] }],
        },
      ],
    });
    expect(result.pass, describeTreeMismatch(tree, result)).toBe(true);
    expect(recorder!.processor.openSpanCount).toBe(0);
    expect(recorder!.processor.openTraceCount).toBe(0);
  });

  test('the redaction hook and secret scrubbing apply to the transcripts', async () => {
    const secret = 'sk-proj-' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';
    const { session, outputs } = await connectSession(
      { transcripts: [`My key is ${secret}`], responses: [{ say: ANSWER }] },
      {},
      { redact: (value) => (value === undefined ? value : JSON.parse(JSON.stringify(value).replaceAll('Paris', '[city]'))) },
    );
    session.sendAudio(CALLER_AUDIO, { commit: true });
    await expect.poll(() => outputs.at(-1), { timeout: 5_000 }).toBe(ANSWER);
    session.close();
    const everything = JSON.stringify(recorder!.spans().map((s) => s.attributes));
    expect(everything).not.toContain(secret);
    expect(everything).toContain('[REDACTED]');
    expect(everything).toContain('[city]');
    expect(everything).not.toContain('Paris');
    expect(everything).not.toContain('test-key');
  });

  test('with content capture off no transcript is recorded; the tree stays', async () => {
    const { session, outputs } = await connectSession({ transcripts: [QUESTION], responses: [{ say: ANSWER }] }, {}, { captureContent: false });
    session.sendAudio(CALLER_AUDIO, { commit: true });
    await expect.poll(() => outputs.at(-1), { timeout: 5_000 }).toBe(ANSWER);
    session.close();
    const everything = JSON.stringify(recorder!.spans().map((s) => s.attributes));
    expect(byName(recorder!.spans(), 'chat gpt-realtime')).toHaveLength(1);
    expect(everything).not.toContain('Paris');
    expect(everything).not.toContain('weather');
  });
});

describe('traceRealtimeSession on bad input', () => {
  test('odd events never reach the session as errors, and a session-like object without a transport is left alone', async () => {
    recorder = recordAgentSpans();
    const { concierge } = agents();
    const session = new RealtimeSession(concierge, { transport: 'websocket' });
    const trace = traceRealtimeSession(session);
    const circular: Record<string, unknown> = { type: 'response.done' };
    circular.response = circular;
    for (const event of [undefined, null, 42, 'text', {}, circular, { type: 'response.created', response: { id: 'x'.repeat(1_000_000) } }, { type: 'response.output_audio.delta', response_id: 'x', delta: 12 }]) {
      expect(() => session.emit('transport_event', event as never)).not.toThrow();
    }
    expect(() => session.emit('agent_tool_start', undefined as never, undefined as never, undefined as never, undefined as never)).not.toThrow();
    expect(() => session.emit('guardrail_tripped', undefined as never, undefined as never, new Error('x') as never, undefined as never)).not.toThrow();
    expect(() => session.emit('error', { type: 'error', error: new Uint8Array([1, 2, 3]) })).not.toThrow();
    trace.end();
    expect(recorder.processor.openSpanCount).toBe(0);

    const broken = { currentAgent: { name: 'x' }, on: () => {}, off: () => {}, close() {}, sendAudio() {} } as never;
    expect(() => traceRealtimeSession(broken)).not.toThrow();
    expect(recorder.processor.openSpanCount).toBe(0);
  });

  test('with the SDK tracing turned off nothing is recorded and the session is not touched', async () => {
    recorder = recordAgentSpans();
    setTracingDisabled(true);
    try {
      const session = new RealtimeSession(agents().concierge, { transport: 'websocket' });
      const close = session.close;
      const trace = traceRealtimeSession(session);
      expect(trace.traceId).toBeUndefined();
      expect(session.close).toBe(close);
    } finally {
      setTracingDisabled(false);
    }
    expect(recorder.spans()).toHaveLength(0);
  });
});
