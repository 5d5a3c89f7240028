import OpenAI, { InternalServerError, RateLimitError } from 'openai';
import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  run,
  setTracingDisabled,
  tool,
  type Model,
} from '@openai/agents';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byAgent, handoffTo, startScriptedOpenAI, type ScriptedOpenAI } from '../src/scripted-openai/index.js';

const MODEL = 'gpt-scripted';

const modelFor: Record<'responses' | 'chat_completions', (client: OpenAI) => Model> = {
  responses: (client) => new OpenAIResponsesModel(client, MODEL),
  chat_completions: (client) => new OpenAIChatCompletionsModel(client, MODEL),
};

/** Runs an agent to the end, streamed or not; a streamed run also reports the text deltas it saw. */
async function runAgent(agent: Agent, input: string, stream: boolean) {
  if (!stream) return { result: await run(agent, input), textDeltas: [] as string[] };
  const result = await run(agent, input, { stream: true });
  const textDeltas: string[] = [];
  for await (const event of result) {
    if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
      textDeltas.push(event.data.delta);
    }
  }
  await result.completed;
  return { result, textDeltas };
}

function weatherTool(calls: { city: string }[] = []) {
  return tool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push({ city });
      return `sunny in ${city}`;
    },
  });
}

beforeAll(() => setTracingDisabled(true));
afterAll(() => setTracingDisabled(false));

describe.each([
  { api: 'responses', stream: false },
  { api: 'responses', stream: true },
  { api: 'chat_completions', stream: false },
  { api: 'chat_completions', stream: true },
] as const)('scripted OpenAI through the $api model, stream: $stream', ({ api, stream }) => {
  let server: ScriptedOpenAI;
  let model: Model;

  beforeAll(async () => {
    server = await startScriptedOpenAI([]);
    model = modelFor[api](new OpenAI({ baseURL: server.baseURL, apiKey: 'test' }));
  });
  afterAll(() => server.close());

  it('answers with the scripted text', async () => {
    server.reset([{ text: 'Hello from the script, nice to meet you.' }]);
    const agent = new Agent({ name: 'Greeter', instructions: 'You greet people.', model });

    const { result, textDeltas } = await runAgent(agent, 'Hi there', stream);

    expect(result.finalOutput).toBe('Hello from the script, nice to meet you.');
    if (stream) {
      expect(textDeltas.length).toBeGreaterThan(1);
      expect(textDeltas.join('')).toBe('Hello from the script, nice to meet you.');
    }
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      api,
      model: MODEL,
      stream,
      instructions: 'You greet people.',
      lastUserText: 'Hi there',
      isFirstRequest: true,
      toolCalls: [],
    });
  });

  it('calls a tool with the scripted arguments, then answers', async () => {
    server.reset([
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' }, callId: 'call_paris' }] },
      { text: 'It is sunny in Paris.' },
    ]);
    const calls: { city: string }[] = [];
    const agent = new Agent({ name: 'Weather', instructions: 'You report the weather.', tools: [weatherTool(calls)], model });

    const { result } = await runAgent(agent, 'Weather in Paris?', stream);

    expect(calls).toEqual([{ city: 'Paris' }]);
    expect(result.finalOutput).toBe('It is sunny in Paris.');
    const [first, second] = server.requests;
    expect(first?.toolNames).toEqual(['get_weather']);
    expect(second).toMatchObject({
      isFirstRequest: false,
      toolOutputs: { call_paris: 'sunny in Paris' },
      toolCalls: [{ callId: 'call_paris', name: 'get_weather', arguments: '{"city":"Paris"}', output: 'sunny in Paris' }],
    });
  });

  it('makes several tool calls in one turn, with arguments given as a JSON string', async () => {
    server.reset([
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Oslo' } },
          { name: 'get_weather', arguments: '{"city":"Lima"}' },
        ],
      },
      { text: 'Oslo and Lima are both sunny.' },
    ]);
    const calls: { city: string }[] = [];
    const agent = new Agent({ name: 'Weather', instructions: 'You report the weather.', tools: [weatherTool(calls)], model });

    const { result } = await runAgent(agent, 'Weather in Oslo and Lima?', stream);

    expect(calls).toEqual([{ city: 'Oslo' }, { city: 'Lima' }]);
    expect(result.finalOutput).toBe('Oslo and Lima are both sunny.');
    expect(Object.values(server.requests[1]?.toolOutputs ?? {})).toEqual(['sunny in Oslo', 'sunny in Lima']);
  });

  it('hands off to another agent', async () => {
    const weatherAgent = new Agent({ name: 'Weather agent', instructions: 'You report the weather.', model });
    server.reset([{ toolCalls: [handoffTo(weatherAgent)] }, { text: 'Weather agent here: sunny.' }]);
    const triage = new Agent({ name: 'Triage', instructions: 'You route questions.', handoffs: [weatherAgent], model });

    const { result } = await runAgent(triage, 'Weather?', stream);

    expect(result.lastAgent).toBe(weatherAgent);
    expect(result.finalOutput).toBe('Weather agent here: sunny.');
    expect(server.requests.map((request) => request.instructions)).toEqual([
      'You route questions.',
      'You report the weather.',
    ]);
    expect(server.requests[0]?.toolNames).toEqual(['transfer_to_Weather_agent']);
  });

  it('surfaces an error step as the SDK error, without retries', async () => {
    server.reset([{ error: { status: 429, message: 'Rate limit reached for gpt-scripted' } }]);
    const agent = new Agent({ name: 'Greeter', instructions: 'You greet people.', model });

    const failure = runAgent(agent, 'Hi', stream);

    await expect(failure).rejects.toThrow(RateLimitError);
    await expect(failure).rejects.toThrow('429 Rate limit reached for gpt-scripted');
    expect(server.requests).toHaveLength(1);
  });

  it('turns a responder that throws into a 500 naming the cause', async () => {
    server.reset(() => {
      throw new Error('no answer for this question');
    });
    const agent = new Agent({ name: 'Greeter', instructions: 'You greet people.', model });

    const failure = runAgent(agent, 'Hi', stream);

    await expect(failure).rejects.toThrow(InternalServerError);
    await expect(failure).rejects.toThrow('no answer for this question');
  });

  it('reports the scripted usage, cached and reasoning tokens included', async () => {
    server.reset([
      {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }],
        usage: { inputTokens: 100, outputTokens: 20, cachedTokens: 40, reasoningTokens: 5 },
      },
      { text: 'Sunny in Rome.', usage: { inputTokens: 150, outputTokens: 10 } },
    ]);
    const agent = new Agent({ name: 'Weather', instructions: 'You report the weather.', tools: [weatherTool()], model });

    const { result } = await runAgent(agent, 'Weather in Rome?', stream);

    const { usage } = result.state;
    expect(usage).toMatchObject({ requests: 2, inputTokens: 250, outputTokens: 30, totalTokens: 280 });
    expect(usage.inputTokensDetails).toContainEqual({ cached_tokens: 40 });
    expect(usage.outputTokensDetails).toContainEqual({ reasoning_tokens: 5 });
  });

  it('derives a usage from the text lengths when the step gives none', async () => {
    server.reset([{ text: 'Twelve chars' }]);
    const agent = new Agent({ name: 'Greeter', instructions: 'You greet people.', model });

    const { result } = await runAgent(agent, 'Hi', stream);

    const { usage } = result.state;
    expect(usage.outputTokens).toBe(3);
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.totalTokens).toBe(usage.inputTokens + usage.outputTokens);
  });

  it('gives 50 concurrent multi-agent runs each their own answer', async () => {
    const weatherAgent = new Agent({
      name: 'Weather agent',
      instructions: 'You report the weather.',
      tools: [weatherTool()],
      model,
    });
    const triage = new Agent({ name: 'Triage', instructions: 'You route questions.', handoffs: [weatherAgent], model });
    server.reset(
      byAgent({
        'You route questions': { toolCalls: [handoffTo(weatherAgent)] },
        'You report the weather': (request) => {
          const report = request.toolCalls.find((call) => call.name === 'get_weather')?.output;
          const city = request.lastUserText?.replace('Weather in ', '') ?? '';
          return report === undefined
            ? { toolCalls: [{ name: 'get_weather', arguments: { city } }] }
            : { text: `Report: ${report}` };
        },
      }),
    );
    const cities = Array.from({ length: 50 }, (_, i) => `City ${i}`);

    const outputs = await Promise.all(
      cities.map(async (city) => (await runAgent(triage, `Weather in ${city}`, stream)).result.finalOutput),
    );

    expect(outputs).toEqual(cities.map((city) => `Report: sunny in ${city}`));
    expect(server.requests).toHaveLength(150);
  });
});
