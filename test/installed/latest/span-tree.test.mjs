// A user's own test: record the spans of a run and assert the tree with the span-tree matcher.
import { afterAll, expect, it } from 'vitest';
import { Agent, OpenAIResponsesModel, run, tool } from '@openai/agents';
import { recordAgentSpans, startScriptedOpenAI } from '@agents-tracing/testing';
import '@agents-tracing/testing/vitest';
import OpenAI from 'openai';
import { z } from 'zod';

const recorder = recordAgentSpans();
const model = await startScriptedOpenAI([
  { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] },
  { text: 'Cold and clear in Oslo.' },
]);
afterAll(async () => {
  await model.close();
  await recorder.stop();
});

it('calls the weather tool once, then answers', async () => {
  const agent = new Agent({
    name: 'Forecaster',
    instructions: 'Answer weather questions.',
    tools: [
      tool({
        name: 'get_weather',
        description: 'Weather for a city.',
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => `-3°C in ${city}`,
      }),
    ],
    model: new OpenAIResponsesModel(new OpenAI({ baseURL: model.baseURL, apiKey: 'test' }), 'gpt-4.1-mini'),
  });
  await run(agent, 'Weather in Oslo?');
  expect(recorder.tree()).toMatchSpanTree({
    name: 'Agent workflow',
    children: [
      {
        name: 'invoke_workflow Agent workflow',
        children: [
          {
            name: 'invoke_agent Forecaster',
            children: [
              { name: 'turn 1 Forecaster', children: [{ name: 'chat gpt-4.1-mini', kind: 'CLIENT' }, { name: 'execute_tool get_weather' }] },
              { name: 'turn 2 Forecaster', children: [{ name: 'chat gpt-4.1-mini' }] },
            ],
          },
        ],
      },
    ],
  });
});
