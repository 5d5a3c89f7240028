import { afterAll, expect, it } from 'vitest';
import { Agent, OpenAIResponsesModel, run, tool } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { recordAgentSpans, startScriptedOpenAI } from '@agents-tracing/testing';

const recorder = recordAgentSpans();
const model = await startScriptedOpenAI([
  { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] },
  { text: 'Cold and clear in Oslo.' },
]);
afterAll(async () => {
  await model.close();
  await recorder.stop();
});

it('answers within the token budget, with no failed tool', async () => {
  const getWeather = tool({
    name: 'get_weather',
    description: 'Weather for a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `-3°C in ${city}`,
  });
  const agent = new Agent({
    name: 'Forecaster',
    instructions: 'Answer weather questions.',
    tools: [getWeather],
    model: new OpenAIResponsesModel(new OpenAI({ baseURL: model.baseURL, apiKey: 'test' }), 'gpt-4.1-mini'),
  });

  await run(agent, 'Weather in Oslo?');

  const metrics = await recorder.metrics();
  expect(metrics.tokens()).toBeLessThan(2_000);
  expect(metrics.tokens({ type: 'output' })).toBe(13);
  expect(metrics.count('gen_ai.client.operation.duration')).toBe(2);
  expect(metrics.toolErrors()).toBe(0);
  expect(metrics.sum('gen_ai.invoke_agent.tool_calls', { 'gen_ai.agent.name': 'Forecaster' })).toBe(1);
});
