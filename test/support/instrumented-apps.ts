/**
 * Small agent apps for the tests with other OpenTelemetry instrumentations, each run as its own
 * process with test/readme/instrumentation.ts loaded first. The model is the scripted server at
 * SCRIPTED_OPENAI_URL; tracing goes wherever the standard OTEL_* variables say.
 *
 *   openai-tool      an agent whose tool calls the openai client itself; prints `trace <hex>`
 *   records-service  serves an agent over HTTP (test/readme/serve-agent.ts); prints `listening <port>`
 *   front-desk       an agent whose tool asks the records service at RECORDS_URL; prints `trace <hex>`
 */
import { createRequire } from 'node:module';
import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool } from '@openai/agents';
import { setupAgentTracing } from '@agents-tracing/delivery';
import { trace } from '@opentelemetry/api';
import OpenAI from 'openai';
import { z } from 'zod';
import { serveAgent } from '../readme/serve-agent.js';

// openai 6: the newest line @opentelemetry/instrumentation-openai patches (the Agents SDK brings
// openai 7). Installed under an alias, it is required: the ESM hook matches packages by the name
// they are imported by, require() by the folder they load from.
const { OpenAI: OpenAIv6 } = createRequire(import.meta.url)('openai-v6') as typeof import('openai-v6');
const baseURL = process.env.SCRIPTED_OPENAI_URL;
const modelFor = (name: string) => new OpenAIResponsesModel(new OpenAI({ baseURL, apiKey: 'test' }), name);
const printTraceId = (): void => console.log(`trace ${trace.getActiveSpan()?.spanContext().traceId}`);

async function runOnce(serviceName: string, agent: Agent, input: string): Promise<void> {
  const tracing = await setupAgentTracing({ serviceName });
  try {
    console.log(`answer ${(await run(agent, input)).finalOutput}`);
  } finally {
    await tracing.shutdown();
  }
}

const summarize = tool({
  name: 'summarize',
  description: 'Summarizes a text with a smaller model.',
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => {
    printTraceId();
    const client = new OpenAIv6({ baseURL, apiKey: 'test' });
    const completion = await client.chat.completions.create({ model: 'summary-model', messages: [{ role: 'user', content: text }] });
    return completion.choices[0]?.message.content ?? '';
  },
});

const lookup = tool({
  name: 'lookup',
  description: 'Looks a record up.',
  parameters: z.object({ id: z.number() }),
  execute: async ({ id }) => `value-${id}`,
});

const askRecords = tool({
  name: 'ask_records',
  description: 'Asks the records service.',
  parameters: z.object({ question: z.string() }),
  execute: async ({ question }) => {
    printTraceId();
    const response = await fetch(String(process.env.RECORDS_URL), { method: 'POST', body: question });
    return response.text();
  },
});

setTracingDisabled(false);
switch (process.argv[2]) {
  case 'openai-tool':
    await runOnce('summary-app', new Agent({ name: 'Summary agent', tools: [summarize], model: modelFor('agent-model') }), 'summarize: a long text');
    break;
  case 'records-service': {
    const server = await serveAgent(new Agent({ name: 'Records agent', tools: [lookup], model: modelFor('records-model') }), 0);
    const address = server.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
    process.once('SIGTERM', () => server.close());
    break;
  }
  case 'front-desk':
    await runOnce('front-desk', new Agent({ name: 'Front desk', tools: [askRecords], model: modelFor('front-desk-model') }), 'what is record 7?');
    break;
  default:
    throw new Error(`unknown app ${process.argv[2]}`);
}
