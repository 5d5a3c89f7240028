import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { setTracingDisabled } from '@openai/agents';
import { createOtlpSpanExporter, type OtlpProtocol } from '@agents-tracing/exporter-otlp';
import { buildSpanTree, flatSpanFromReadable, walkSpanTree, type SpanTreeNode } from '@agents-tracing/processor';
import { setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import { readJaegerTrace } from '@agents-tracing/testing';
import {
  buildDemoAgents,
  runDemoConversation,
  startDemoModel,
  type DemoAgents,
  type DemoCase,
  type DemoModel,
} from '@agents-tracing/example-multi-agent';
import { expectedDemoTree } from './support/demo-expectations.js';

const jaeger = inject('jaeger');
const CASES: [DemoCase, boolean][] = [
  ['weather', false],
  ['travel', true],
  ['injection', false],
];

describe.each<OtlpProtocol>(['grpc', 'http/protobuf', 'http/json'])('the demo exported over OTLP %s into Jaeger', (protocol) => {
  const memory = new InMemorySpanExporter();
  const serviceName = `demo-${protocol.replace('/', '-')}`;
  let tracing: AgentTracing;
  let model: DemoModel;
  let agents: DemoAgents;

  beforeAll(async () => {
    const endpoint = protocol === 'grpc' ? jaeger.otlpGrpcUrl : `${jaeger.otlpHttpUrl}/v1/traces`;
    tracing = await setupAgentTracing({
      serviceName,
      exporters: [createOtlpSpanExporter({ protocol, endpoint }, {}), memory],
      batch: { scheduledDelayMillis: 50 },
    });
    setTracingDisabled(false);
    model = await startDemoModel('responses', {});
    agents = buildDemoAgents(model.model);
  });
  afterAll(async () => {
    await model.close();
    await tracing.shutdown();
  });

  const recorded = (hex: string): SpanTreeNode[] =>
    buildSpanTree(
      memory
        .getFinishedSpans()
        .filter((s) => s.spanContext().traceId === hex)
        .map(flatSpanFromReadable),
    );

  it.each(CASES)('%s (streamed: %s) reads back from Jaeger as recorded in memory', async (demoCase, streamed) => {
    const result = await runDemoConversation(agents, demoCase, streamed);
    await tracing.forceFlush();
    const hex = result.traceId.slice('trace_'.length);
    const inMemory = recorded(hex);
    const spanCount = [...walkSpanTree(inMemory)].length;

    const fromJaeger = await readJaegerTrace(jaeger.queryUrl, hex, { expectSpans: spanCount, settle: 300 });

    // Trace id = the SDK trace id's hex; every span present exactly once.
    expect(fromJaeger.traceId).toBe(hex);
    expect(fromJaeger.spanCount).toBe(spanCount);
    expect(fromJaeger.serviceName).toBe(serviceName);
    expect(fromJaeger.roots).toMatchSpanTree([expectedDemoTree(demoCase, result.traceId)]);
    // Same names, parents, kinds, statuses and attributes as recorded in memory.
    expect(fromJaeger.roots).toEqual(inMemory);
  });

  it('delivers 50 concurrent runs, each trace complete', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => runDemoConversation(agents, CASES[i % 3]![0], i % 2 === 0)),
    );
    await tracing.forceFlush();
    for (const result of results) {
      const hex = result.traceId.slice('trace_'.length);
      const spanCount = [...walkSpanTree(recorded(hex))].length;
      const fromJaeger = await readJaegerTrace(jaeger.queryUrl, hex, { expectSpans: spanCount });
      expect(fromJaeger.spanCount).toBe(spanCount);
      expect(fromJaeger.roots).toMatchSpanTree([expectedDemoTree(result.name, result.traceId)]);
    }
  });
});
