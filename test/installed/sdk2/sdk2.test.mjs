// The processor, its id generator, the audit digest, the recorder and the span-tree matcher on an
// OpenTelemetry SDK 2 provider (API 1.9) and the oldest Agents SDK release the processor supports.
import { afterAll, expect, it } from 'vitest';
import { Agent, OpenAIResponsesModel, run, tool, withTrace } from '@openai/agents';
import { verifyTraceDigest } from '@agents-tracing/processor';
import { recordAgentSpans, startScriptedOpenAI } from '@agents-tracing/testing';
import '@agents-tracing/testing/vitest';
import { trace } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { z } from 'zod';

const recorder = recordAgentSpans({ registerGlobal: true, audit: true });
const model = await startScriptedOpenAI([
  { toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-1' } }] },
  { text: 'Order A-1 has shipped.' },
]);
afterAll(async () => {
  await model.close();
  await recorder.stop();
});

it('records the run on the SDK 2 provider, ids, nesting and digest included', async () => {
  const lookupOrder = tool({
    name: 'lookup_order',
    description: 'Find an order.',
    parameters: z.object({ id: z.string() }),
    execute: async ({ id }) =>
      trace.getTracer('shop').startActiveSpan('SELECT orders', (span) => {
        span.end();
        return `${id}: shipped`;
      }),
  });
  const agent = new Agent({
    name: 'Support',
    instructions: 'Answer order questions.',
    tools: [lookupOrder],
    model: new OpenAIResponsesModel(new OpenAI({ baseURL: model.baseURL, apiKey: 'test' }), 'gpt-4.1-mini'),
  });
  const sdkTraceId = await withTrace('Order support', async (current) => {
    await run(agent, 'Where is order A-1?');
    return current.traceId;
  });

  // The app's own SDK 2 (its sdk-trace-base re-exports @opentelemetry/sdk-trace 2.x).
  expect(recorder.tracerProvider).toBeInstanceOf(TracerProvider);
  expect(recorder.traceIds()).toEqual([sdkTraceId.replace(/^trace_/, '')]);
  // Releases before the task and turn spans: the agent's model calls and tools sit right under it.
  expect(recorder.tree()).toMatchSpanTree({
    name: 'Order support',
    children: [
      {
        name: 'invoke_agent Support',
        children: [
          { name: 'chat gpt-4.1-mini', kind: 'CLIENT' },
          { name: 'execute_tool lookup_order', children: [{ name: 'SELECT orders' }] },
          { name: 'chat gpt-4.1-mini', kind: 'CLIENT' },
        ],
      },
    ],
  });
  const report = verifyTraceDigest(recorder.spans(), { allowUncovered: true });
  expect(report.verdict).toBe('ok');
});
