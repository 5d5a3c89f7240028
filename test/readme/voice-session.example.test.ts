import { afterAll, expect, it } from 'vitest';
import { RealtimeAgent, RealtimeSession, tool } from '@openai/agents/realtime';
import { z } from 'zod';
import { traceRealtimeSession } from '@agents-tracing/processor';
import { recordAgentSpans, startScriptedRealtime } from '@agents-tracing/testing';
import '@agents-tracing/testing/vitest';

const recorder = recordAgentSpans();
const realtime = await startScriptedRealtime({
  transcripts: ['Weather in Oslo?'],
  responses: [{ calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }, { say: 'Cold and clear in Oslo.' }],
});
afterAll(async () => {
  await realtime.close();
  await recorder.stop();
});

it('hears the question, calls the weather tool, answers aloud', async () => {
  const getWeather = tool({
    name: 'get_weather',
    description: 'Weather for a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `-3°C in ${city}`,
  });
  const agent = new RealtimeAgent({ name: 'Forecaster', instructions: 'Answer weather questions.', tools: [getWeather] });
  const session = new RealtimeSession(agent, { transport: 'websocket', model: 'gpt-realtime', workflowName: 'Voice forecast' });
  traceRealtimeSession(session);
  const answered = new Promise<string>((resolve) => session.on('agent_end', (_context, _agent, text) => text && resolve(text)));

  await session.connect({ apiKey: 'test', url: realtime.url });
  session.sendAudio(new ArrayBuffer(48_000), { commit: true }); // one second of 24 kHz PCM
  expect(await answered).toBe('Cold and clear in Oslo.');
  session.close();

  expect(recorder.tree()).toMatchSpanTree([
    {
      name: 'Voice forecast',
      children: [
        {
          name: 'invoke_agent Forecaster',
          children: [
            {
              name: 'turn 1 Forecaster',
              children: [
                { name: 'chat gpt-realtime', kind: 'CLIENT', attributes: { 'openai.agents.realtime.audio.input.duration_ms': 1000 } },
                { name: 'execute_tool get_weather', attributes: { 'gen_ai.tool.call.result': '-3°C in Oslo' } },
              ],
            },
            { name: 'turn 2 Forecaster', children: [{ name: 'chat gpt-realtime' }] },
          ],
        },
      ],
    },
  ]);
});
