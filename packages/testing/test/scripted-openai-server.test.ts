import OpenAI, { APIConnectionError, BadRequestError, InternalServerError, NotFoundError } from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byAgent, startScriptedOpenAI, type Script, type ScriptedOpenAI, type ScriptedStep } from '../src/scripted-openai/index.js';

let server: ScriptedOpenAI | undefined;

async function start(script: Script) {
  server = await startScriptedOpenAI(script);
  return { server, client: new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 }) };
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const weatherCalls = {
  text: 'Checking both.',
  toolCalls: [
    { name: 'get_weather', arguments: { city: 'Oslo' }, callId: 'call_oslo' },
    { name: 'get_time', arguments: '{"zone":"CET"}' },
  ],
  usage: { inputTokens: 30, outputTokens: 12, cachedTokens: 8, reasoningTokens: 4 },
};

describe('Responses API', () => {
  it('answers with text, several function calls, usage and the model echoed', async () => {
    const { server, client } = await start([weatherCalls]);

    const response = await client.responses.create({ model: 'gpt-scripted', input: 'Weather and time in Oslo?' });

    expect(response).toMatchObject({
      id: 'resp_000001',
      object: 'response',
      status: 'completed',
      model: 'gpt-scripted',
      output_text: 'Checking both.',
      usage: {
        input_tokens: 30,
        output_tokens: 12,
        total_tokens: 42,
        input_tokens_details: { cached_tokens: 8 },
        output_tokens_details: { reasoning_tokens: 4 },
      },
    });
    expect(response.output.slice(1)).toMatchObject([
      { type: 'function_call', call_id: 'call_oslo', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call', call_id: 'call_000001', name: 'get_time', arguments: '{"zone":"CET"}' },
    ]);
    expect(response._request_id).toBe('req_000001');
    expect(server.requests[0]).toMatchObject({ api: 'responses', stream: false, lastUserText: 'Weather and time in Oslo?' });
  });

  it('streams the events of a real response, ending with the full response', async () => {
    const { client } = await start([weatherCalls]);

    const stream = await client.responses.create({ model: 'gpt-scripted', input: 'Hi', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);

    expect([...new Set(events.map((event) => event.type))]).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const text = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
    expect(text.join('')).toBe('Checking both.');
    const completed = events.at(-1);
    expect(completed?.type === 'response.completed' && completed.response.output).toHaveLength(3);
  });

  it('parses the conversation, instructions, tools and tool outputs of a request', async () => {
    const { server, client } = await start([{ text: 'Done.' }]);

    await client.responses.create({
      model: 'gpt-scripted',
      instructions: 'You report the weather.',
      tools: [
        { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false },
        { type: 'web_search' },
      ],
      input: [
        { role: 'user', content: 'Weather in Oslo?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'rainy' },
        { role: 'user', content: [{ type: 'input_text', text: 'And tomorrow?' }] },
      ],
    });

    expect(server.requests[0]).toMatchObject({
      instructions: 'You report the weather.',
      toolNames: ['get_weather', 'web_search'],
      lastUserText: 'And tomorrow?',
      toolCalls: [{ callId: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}', output: 'rainy' }],
      toolOutputs: { call_1: 'rainy' },
      isFirstRequest: false,
    });
    expect(server.requests[0]?.conversation).toHaveLength(4);
  });
});

describe('Chat Completions API', () => {
  it('answers with content, tool calls and usage', async () => {
    const { client } = await start([weatherCalls]);

    const completion = await client.chat.completions.create({
      model: 'gpt-scripted',
      messages: [{ role: 'user', content: 'Weather and time in Oslo?' }],
    });

    expect(completion).toMatchObject({
      id: 'chatcmpl-000001',
      object: 'chat.completion',
      model: 'gpt-scripted',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            content: 'Checking both.',
            tool_calls: [
              { id: 'call_oslo', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
              { id: 'call_000001', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
            ],
          },
        },
      ],
      usage: {
        prompt_tokens: 30,
        completion_tokens: 12,
        total_tokens: 42,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 4 },
      },
    });
  });

  it('streams deltas, tool-call pieces and, when asked, a last chunk with the usage', async () => {
    const { client } = await start([weatherCalls, weatherCalls]);
    const request = { model: 'gpt-scripted', messages: [{ role: 'user' as const, content: 'Hi' }], stream: true as const };

    const withUsage = [];
    for await (const chunk of await client.chat.completions.create({ ...request, stream_options: { include_usage: true } })) {
      withUsage.push(chunk);
    }
    const withoutUsage = [];
    for await (const chunk of await client.chat.completions.create(request)) withoutUsage.push(chunk);

    const text = withUsage.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Checking both.');
    const argumentsByCall = new Map<number, string>();
    for (const chunk of withUsage) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        argumentsByCall.set(call.index, (argumentsByCall.get(call.index) ?? '') + (call.function?.arguments ?? ''));
      }
    }
    expect([...argumentsByCall.values()]).toEqual(['{"city":"Oslo"}', '{"zone":"CET"}']);
    expect(withUsage.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 30, completion_tokens: 12 } });
    expect(withUsage.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(withoutUsage.every((chunk) => chunk.usage === undefined && chunk.choices.length === 1)).toBe(true);
  });

  it('takes the opening system message as the instructions and reads tool messages', async () => {
    const { server, client } = await start([{ text: 'Done.' }]);

    await client.chat.completions.create({
      model: 'gpt-scripted',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      messages: [
        { role: 'system', content: 'You report the weather.' },
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'rainy' },
      ],
    });

    expect(server.requests[0]).toMatchObject({
      api: 'chat_completions',
      instructions: 'You report the weather.',
      toolNames: ['get_weather'],
      lastUserText: 'Weather in Oslo?',
      toolOutputs: { call_1: 'rainy' },
      isFirstRequest: false,
      conversation: [
        { type: 'message', role: 'user', text: 'Weather in Oslo?' },
        { type: 'tool_call', callId: 'call_1', name: 'get_weather', arguments: '{}' },
        { type: 'tool_output', callId: 'call_1', output: 'rainy' },
      ],
    });
  });
});

describe('failures', () => {
  it('answers an unknown path with a 404 shaped like OpenAI errors', async () => {
    const { server, client } = await start([]);

    const response = await fetch(`${server.baseURL}/embeddings`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: 'Unknown request URL: POST /v1/embeddings. Please check the URL for typos.',
        type: 'invalid_request_error',
        param: null,
        code: 'unknown_url',
      },
    });
    await expect(client.models.list()).rejects.toThrow(NotFoundError);
    expect(server.requests).toEqual([]);
  });

  it('answers a body that is not JSON with a 400', async () => {
    const { server } = await start([]);

    const response = await fetch(`${server.baseURL}/responses`, { method: 'POST', body: 'not json' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('answers an error step with its status, type and code', async () => {
    const { client } = await start([
      { error: { status: 400, message: 'Context too long.', code: 'context_length_exceeded' } },
    ]);

    const failure = client.responses.create({ model: 'gpt-scripted', input: 'Hi' });

    await expect(failure).rejects.toThrow(BadRequestError);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      message: '400 Context too long.',
    });
  });

  it('lets the client retry a retryable error step, which plays the next step', async () => {
    const { server } = await start([
      { error: { status: 503, message: 'Overloaded.', retryable: true } },
      { text: 'Recovered.' },
    ]);
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 1 });

    const response = await client.responses.create({ model: 'gpt-scripted', input: 'Hi' });

    expect(response.output_text).toBe('Recovered.');
    expect(server.requests).toHaveLength(2);
  });

  it('answers 500 once a step list runs out, and for a malformed step', async () => {
    const { client } = await start([{ text: 'Only one.' }, {} as ScriptedStep]);
    const ask = () => client.responses.create({ model: 'gpt-scripted', input: 'Hi' });

    await ask();
    await expect(ask()).rejects.toThrow('a step needs text, toolCalls or error');
    await expect(ask()).rejects.toThrow(InternalServerError);
    await expect(ask()).rejects.toThrow('the script has only 2 step(s)');
  });

  it('keeps serving after a responder throws', async () => {
    const { client } = await start((request) => {
      if (request.lastUserText === 'boom') throw new Error('unexpected question');
      return { text: 'Fine.' };
    });
    const ask = (input: string) => client.responses.create({ model: 'gpt-scripted', input });

    await expect(ask('boom')).rejects.toThrow(
      '500 Scripted OpenAI server could not answer model request #1 (responses): unexpected question',
    );
    expect((await ask('hello')).output_text).toBe('Fine.');
  });
});

describe('responders and routing', () => {
  it('awaits an async responder', async () => {
    const { client } = await start(async (request) => ({ text: `Echo: ${request.lastUserText}` }));

    const response = await client.responses.create({ model: 'gpt-scripted', input: 'ping' });

    expect(response.output_text).toBe('Echo: ping');
  });

  it('routes by the agent instructions: longest matching key, then the fallback', async () => {
    const { client } = await start(
      byAgent(
        {
          'You answer': { text: 'general' },
          'You answer billing questions': (request) => ({ text: `billing: ${request.lastUserText}` }),
        },
        { text: 'fallback' },
      ),
    );
    const ask = (instructions: string) =>
      client.responses.create({ model: 'gpt-scripted', instructions, input: 'refund?' });

    expect((await ask('You answer billing questions politely.')).output_text).toBe('billing: refund?');
    expect((await ask('You answer anything.')).output_text).toBe('general');
    expect((await ask('You triage.')).output_text).toBe('fallback');
  });

  it('fails a request no agent route matches with a message naming the routes', async () => {
    const { client } = await start(byAgent({ 'You triage': { text: 'triage' } }));

    const failure = client.responses.create({ model: 'gpt-scripted', instructions: 'You summarise.', input: 'Hi' });

    await expect(failure).rejects.toThrow('byAgent: no route matches the instructions "You summarise."; routes: "You triage"');
  });
});

describe('lifecycle', () => {
  it('listens on 127.0.0.1 and reports its base URL', async () => {
    const { server } = await start([]);

    expect(server.baseURL).toBe(`http://127.0.0.1:${server.port}/v1`);
  });

  it('plays the script again, or a new one, after reset()', async () => {
    const { server, client } = await start([{ text: 'First.' }]);
    await client.responses.create({ model: 'gpt-scripted', input: 'Hi' });

    server.reset();
    const again = await client.responses.create({ model: 'gpt-scripted', input: 'Hi' });
    server.reset([{ text: 'Second script.' }]);
    const replaced = await client.responses.create({ model: 'gpt-scripted', input: 'Hi' });

    expect(again).toMatchObject({ id: 'resp_000001', output_text: 'First.' });
    expect(replaced.output_text).toBe('Second script.');
    expect(server.requests).toHaveLength(1);
  });

  it('waits delayMs before answering', async () => {
    const { client } = await start([{ text: 'Late.', delayMs: 150 }]);
    const started = performance.now();

    await client.responses.create({ model: 'gpt-scripted', input: 'Hi' });

    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('closes at once despite a keep-alive connection and a pending delayed answer', async () => {
    const { server, client } = await start([{ text: 'Now.' }, { text: 'Never.', delayMs: 60_000 }]);
    await client.responses.create({ model: 'gpt-scripted', input: 'Hi' });
    const pending = client.responses.create({ model: 'gpt-scripted', input: 'Hi' });
    await vi.waitFor(() => expect(server.requests).toHaveLength(2));
    const started = performance.now();

    await server.close();

    expect(performance.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow(APIConnectionError);
    await server.close();
  });
});
