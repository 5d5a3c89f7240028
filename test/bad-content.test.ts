import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAgentSpans, startScriptedOpenAI, type AgentSpanRecorder, type ScriptedOpenAI } from '@agents-tracing/testing';
import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool, withCustomSpan, withTrace } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';

const LIMIT = 4096;

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

let deep: unknown = 'bottom';
for (let i = 0; i < 10_000; i += 1) deep = { next: deep };

/** Tool results the SDK passes through as they are (it stringifies them for the model). */
const RESULTS: Record<string, () => unknown> = {
  huge: () => 'x'.repeat(10_000_000),
  binary: () => Buffer.from([0xff, 0xfe, 0x00, 0x80]).toString('latin1'),
  surrogates: () => 'lone \ud800 and \udfff',
  json_huge: () => JSON.stringify({ rows: Array.from({ length: 200_000 }, (_, i) => ({ i })) }),
};

describe('bad content through a real agent run', () => {
  let server: ScriptedOpenAI;
  let agent: Agent;

  beforeAll(async () => {
    server = await startScriptedOpenAI((request) => {
      const kind = request.lastUserText ?? '';
      const done = request.toolCalls.some((c) => c.output !== undefined);
      return done ? { text: `done ${kind}` } : { toolCalls: [{ name: 'produce', arguments: { kind } }] };
    });
    const produce = tool({
      name: 'produce',
      description: 'Produces a value.',
      parameters: z.object({ kind: z.string() }),
      execute: async ({ kind }) => {
        if (kind === 'throws_non_error') throw 'a string, not an Error';
        return String(RESULTS[kind]?.() ?? kind);
      },
    });
    const model = new OpenAIResponsesModel(new OpenAI({ baseURL: server.baseURL, apiKey: 'test' }), 'm');
    agent = new Agent({ name: 'Producer', instructions: 'Produce.', tools: [produce], model });
  });
  afterAll(() => server.close());

  const kinds = [...Object.keys(RESULTS), 'throws_non_error'];

  it('gives the same run results with and without tracing, and valid bounded spans', async () => {
    setTracingDisabled(true);
    const untraced = [];
    for (const kind of kinds) untraced.push((await run(agent, kind)).finalOutput);

    const recorder: AgentSpanRecorder = recordAgentSpans({ maxAttributeLength: LIMIT });
    try {
      const traced = [];
      for (const kind of kinds) traced.push((await run(agent, kind)).finalOutput);
      // Custom spans and metadata carry values JSON cannot hold.
      await withTrace(
        'odd metadata',
        async () => {
          await withCustomSpan(async () => {}, {
            data: {
              name: 'odd data',
              data: { circular: circular(), big: 10n ** 30n, sym: Symbol('s'), fn: () => 1, undef: undefined, deep, buf: new Uint8Array(1e6) },
            },
          });
        },
        { metadata: { circular: circular(), big: 1n, nested: { deep } } },
      );
      expect(traced).toEqual(untraced);

      const spans = recorder.spans();
      expect(spans.length).toBeGreaterThan(kinds.length * 5);
      for (const span of spans) {
        for (const [key, value] of Object.entries(span.attributes)) {
          if (typeof value === 'string') expect(value.length, key).toBeLessThanOrEqual(LIMIT);
        }
      }
      const hugeTool = spans.find((s) => s.name === 'execute_tool produce' && String(s.attributes['gen_ai.tool.call.arguments']).includes('"huge"'));
      expect(hugeTool?.attributes['openai.agents.truncated']).toEqual(['gen_ai.tool.call.result']);
      expect(JSON.parse(String(hugeTool?.attributes['gen_ai.tool.call.result']))).toMatch(/…\[\d+ characters left out\]…/);
      const odd = spans.find((s) => s.name === 'odd data');
      const oddData = JSON.parse(String(odd?.attributes['openai.agents.custom.data']));
      expect(oddData).toMatchObject({ circular: { name: 'loop', self: '[Circular]' }, big: '1' + '0'.repeat(30), buf: '[binary Uint8Array, 1000000 bytes]' });
      const root = spans.find((s) => s.name === 'odd metadata');
      expect(JSON.parse(String(root?.attributes['openai.agents.metadata.circular']))).toEqual({ name: 'loop', self: '[Circular]' });
      expect(root?.attributes['openai.agents.metadata.big']).toBe('"1"');
      const failed = spans.find((s) => s.name === 'execute_tool produce' && s.status.code === 'ERROR');
      expect(failed).toBeDefined();
    } finally {
      await recorder.stop();
    }
  });
});
