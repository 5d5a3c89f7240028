import { afterAll, expect, it } from 'vitest';
import { Agent, OpenAIResponsesModel, run, tool } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { recordAgentSpans, startScriptedOpenAI } from '@agents-tracing/testing';
import '@agents-tracing/testing/vitest';

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

  expect(recorder.tree()).toMatchSpanTree([
    {
      name: 'Agent workflow',
      children: [
        {
          name: 'invoke_workflow Agent workflow',
          children: [
            {
              name: 'invoke_agent Forecaster',
              children: [
                {
                  name: 'turn 1 Forecaster',
                  children: [
                    { name: 'chat gpt-4.1-mini', kind: 'CLIENT' },
                    {
                      name: 'execute_tool get_weather',
                      attributes: { 'gen_ai.tool.call.arguments': '{"city":"Oslo"}', 'gen_ai.tool.call.result': '-3°C in Oslo' },
                    },
                  ],
                },
                { name: 'turn 2 Forecaster', children: [{ name: 'chat gpt-4.1-mini' }] },
              ],
            },
          ],
        },
      ],
    },
  ]);
  expect(recorder.render()).toMatchInlineSnapshot(`
    "Agent workflow
    └─ invoke_workflow Agent workflow  tokens 31→13
       └─ invoke_agent Forecaster
          ├─ turn 1 Forecaster  tokens 11→7
          │  ├─ chat gpt-4.1-mini  tokens 11→7
          │  └─ execute_tool get_weather
          └─ turn 2 Forecaster  tokens 20→6
             └─ chat gpt-4.1-mini  tokens 20→6"
  `);
});
