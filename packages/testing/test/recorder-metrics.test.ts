import { afterEach, describe, expect, it } from 'vitest';
import { Agent, OpenAIResponsesModel, run } from '@openai/agents';
import OpenAI from 'openai';
import { recordAgentSpans, startScriptedOpenAI, type AgentSpanRecorder, type ScriptedOpenAI } from '../src/index.js';

let recorder: AgentSpanRecorder | undefined;
let model: ScriptedOpenAI | undefined;
afterEach(async () => {
  await recorder?.stop();
  await model?.close();
  recorder = undefined;
  model = undefined;
});

async function answerOnce(): Promise<void> {
  model ??= await startScriptedOpenAI(() => ({ text: 'Hello.' }));
  const agent = new Agent({ name: 'Greeter', instructions: 'Greet.', model: new OpenAIResponsesModel(new OpenAI({ baseURL: model.baseURL, apiKey: 'test' }), 'm') });
  await run(agent, 'Hi');
}

describe('the recorder records metrics', () => {
  it('as many tokens as its spans say, accumulating over runs', async () => {
    recorder = recordAgentSpans();
    await answerOnce();
    await answerOnce();
    const spanTokens = recorder
      .spans()
      .filter((s) => s.attributes['gen_ai.operation.name'] === 'chat')
      .reduce((sum, s) => sum + Number(s.attributes['gen_ai.usage.input_tokens']) + Number(s.attributes['gen_ai.usage.output_tokens']), 0);
    const metrics = await recorder.metrics();
    expect(spanTokens).toBeGreaterThan(0);
    expect(metrics.tokens()).toBe(spanTokens);
    expect(metrics.count('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'Greeter' })).toBe(2);
    expect((await recorder.metrics()).count('gen_ai.invoke_agent.duration')).toBe(2);
  });

  it('forgets them on reset(), like the spans', async () => {
    recorder = recordAgentSpans();
    await answerOnce();
    recorder.reset();
    await answerOnce();
    expect((await recorder.metrics()).count('gen_ai.invoke_agent.duration')).toBe(1);
    expect(recorder.spans().filter((s) => s.name === 'invoke_agent Greeter')).toHaveLength(1);
  });

  it('says so when made with metrics: false', async () => {
    recorder = recordAgentSpans({ metrics: false });
    await answerOnce();
    await expect(recorder.metrics()).rejects.toThrow('this recorder was made with metrics: false');
  });
});
