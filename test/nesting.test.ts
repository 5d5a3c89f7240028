import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { recordAgentSpans, type AgentSpanRecorder } from '@agents-tracing/testing';
import { run, withTrace } from '@openai/agents';
import { SpanKind, trace } from '@opentelemetry/api';
import { buildDemoAgents, runDemoConversation, startDemoModel, type DemoModel } from '@agents-tracing/example-multi-agent';
import { startLookupAgent, type LookupAgent } from './support/lookup-agent.js';

describe('nesting with an application OpenTelemetry set-up', () => {
  let recorder: AgentSpanRecorder;
  let lookup: LookupAgent;
  let demo: DemoModel;

  beforeAll(async () => {
    // A registered provider and context manager, as NodeSDK or provider.register() give.
    recorder = recordAgentSpans({ registerGlobal: true });
    lookup = await startLookupAgent();
    demo = await startDemoModel('responses', {});
  });
  afterAll(async () => {
    await lookup.close();
    await demo.close();
    await recorder.stop();
  });

  it('nests an agent run started inside an application span under that span', async () => {
    recorder.reset();
    const tracer = trace.getTracer('app-http');
    const sdkTraceId = await tracer.startActiveSpan('POST /chat', { kind: SpanKind.SERVER }, async (span) => {
      const result = await runDemoConversation(buildDemoAgents(demo.model), 'weather', false);
      span.end();
      return result.traceId;
    });
    const roots = recorder.tree();
    expect(roots).toMatchSpanTree([
      {
        name: 'POST /chat',
        kind: 'SERVER',
        children: [
          {
            name: 'Travel concierge',
            attributes: { 'openai.agents.trace_id': sdkTraceId },
            children: [{ name: 'invoke_workflow Travel concierge' }],
          },
        ],
      },
    ]);
    // Inside the application's span, the application's trace id wins.
    const appTraceId = roots[0]!.traceId;
    expect(recorder.spans().every((s) => s.traceId === appTraceId)).toBe(true);
  });

  it('nests spans made inside a tool under that tool span, across 100 concurrent runs, half streamed', async () => {
    recorder.reset();
    const runs = Array.from({ length: 100 }, async (_, i) => {
      const input = `record ${i}`;
      if (i % 2 === 0) return (await run(lookup.agent, input)).finalOutput;
      const streamed = await run(lookup.agent, input, { stream: true });
      for await (const _event of streamed) {
        // drive the stream
      }
      await streamed.completed;
      return streamed.finalOutput;
    });
    const outputs = await Promise.all(runs);
    expect(outputs).toEqual(Array.from({ length: 100 }, (_, i) => `record ${i}: value-${i}`));

    const spans = recorder.spans();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const queries = spans.filter((s) => s.name === 'db.query');
    expect(queries).toHaveLength(100);
    for (const query of queries) {
      const toolSpan = byId.get(query.parentSpanId ?? '');
      expect(toolSpan?.name).toBe('execute_tool lookup');
      expect(toolSpan?.traceId).toBe(query.traceId);
      // The tool span that holds the query is the one that ran for this record.
      expect(JSON.parse(String(toolSpan?.attributes['gen_ai.tool.call.arguments']))).toEqual({
        id: query.attributes['db.record.id'],
      });
      const decode = spans.find((s) => s.name === 'db.decode' && s.parentSpanId === query.spanId);
      expect(decode).toBeDefined();
    }
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(100);
  });

  it('keeps spans made outside any tool out of the agent tree', async () => {
    recorder.reset();
    await withTrace('outer', async () => {
      trace.getTracer('app').startSpan('side work').end();
    });
    const side = recorder.spans().find((s) => s.name === 'side work');
    const root = recorder.spans().find((s) => s.name === 'outer');
    // Made in the trace's scope, it belongs under the trace's root, nowhere else.
    expect(side?.parentSpanId).toBe(root?.spanId);
  });
});
