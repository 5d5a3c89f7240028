// An ESM app as a user writes it: one call sets tracing up, then agents run as usual.
import { Agent, OpenAIResponsesModel, run, tool, withTrace } from '@openai/agents';
import { setupAgentTracing } from '@agents-tracing/delivery';
import { startScriptedOpenAI } from '@agents-tracing/testing';
import OpenAI from 'openai';
import { z } from 'zod';

const model = await startScriptedOpenAI([
  { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] },
  { text: 'Cold and clear in Oslo.' },
]);
const tracing = await setupAgentTracing({ serviceName: 'installed-esm-app' });
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
await withTrace('Installed ESM app', async (trace) => {
  const result = await run(agent, 'Weather in Oslo?');
  console.log(`answer: ${result.finalOutput}`);
  console.log(`trace: ${trace.traceId}`);
});
await tracing.shutdown();
await model.close();
