import OpenAI from 'openai';
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled } from '@openai/agents';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../src/scripted-openai/index.js';

// The SDK's default provider keeps the first default client it sees, so this file sets it once.
let server: ScriptedOpenAI;

beforeAll(async () => {
  setTracingDisabled(true);
  server = await startScriptedOpenAI((request) => ({ text: `${request.api} answered ${request.lastUserText}` }));
  setDefaultOpenAIClient(new OpenAI({ baseURL: server.baseURL, apiKey: 'test' }));
});

afterAll(async () => {
  setOpenAIAPI('responses');
  setTracingDisabled(false);
  await server.close();
});

it('serves agents that use the default client, through either API', async () => {
  const agent = new Agent({ name: 'Greeter', instructions: 'You greet people.', model: 'gpt-scripted' });

  const viaResponses = await run(agent, 'first');
  setOpenAIAPI('chat_completions');
  const viaChat = await run(agent, 'second', { stream: true });
  await viaChat.completed;

  expect(viaResponses.finalOutput).toBe('responses answered first');
  expect(viaChat.finalOutput).toBe('chat_completions answered second');
  expect(server.requests.map((request) => [request.api, request.model, request.stream])).toEqual([
    ['responses', 'gpt-scripted', false],
    ['chat_completions', 'gpt-scripted', true],
  ]);
});
