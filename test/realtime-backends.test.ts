/**
 * The demo's voice call (a real RealtimeSession over the SDK's WebSocket transport, against the
 * scripted Realtime server) traced through `setupAgentTracing` into a real Jaeger and a real
 * MLflow, and read back with their own APIs: the same tree as recorded in memory, the shape the
 * span-tree matcher expects, and MLflow's view of the session as a conversation.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { setTracingDisabled } from '@openai/agents';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { buildSpanTree, flatSpanFromReadable, GEN_AI, walkSpanTree, type SpanTreeNode } from '@agents-tracing/processor';
import { setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import { createOtlpSpanExporter } from '@agents-tracing/exporter-otlp';
import { createMlflowSpanExporter, type MlflowSpanExporter } from '@agents-tracing/exporter-mlflow';
import { readJaegerTrace, readMlflowTrace, type ExpectedSpan } from '@agents-tracing/testing';
import { runVoiceDemo, VOICE_ANSWER, VOICE_GROUP_ID, VOICE_QUESTION, VOICE_WORKFLOW } from '@agents-tracing/example-multi-agent';
import { asReadFromMlflow, withoutMlflowAdditions } from './support/mlflow-demo.js';

const jaeger = inject('jaeger');
const { trackingUri } = inject('mlflow');
const SERVICE_NAME = 'voice-demo';

/** MLflow keeps no span kinds: there the model calls are only checked by name and operation. */
function expectedTree(withKinds: boolean): ExpectedSpan {
  const chat = (): ExpectedSpan => ({
    name: 'chat gpt-realtime',
    ...(withKinds ? { kind: 'CLIENT' as const } : {}),
    attributes: { [GEN_AI.OPERATION_NAME]: 'chat' },
  });
  return {
  name: VOICE_WORKFLOW,
  attributes: { [GEN_AI.CONVERSATION_ID]: VOICE_GROUP_ID },
  children: [
    {
      name: 'invoke_agent Concierge',
      children: [{ name: 'turn 1 Concierge', children: [chat(), { name: 'handoff Concierge → Weather agent' }] }],
    },
    {
      name: 'invoke_agent Weather agent',
      children: [
        { name: 'turn 2 Weather agent', children: [chat(), { name: 'execute_tool get_weather', attributes: { [GEN_AI.TOOL_CALL_ARGUMENTS]: '{"city":"Paris"}' } }] },
        { name: 'turn 3 Weather agent', children: [chat()] },
      ],
    },
  ],
  };
}

/** Times to the microsecond: MLflow hands whole-millisecond times back a few hundred ns off. */
const toMicroseconds = (nodes: readonly SpanTreeNode[]): SpanTreeNode[] =>
  nodes.map((node) => ({
    ...node,
    startTime: Math.round(node.startTime * 1000) / 1000,
    endTime: Math.round(node.endTime * 1000) / 1000,
    children: toMicroseconds(node.children),
  }));

describe('a voice call in Jaeger and MLflow', () => {
  const memory = new InMemorySpanExporter();
  let tracing: AgentTracing;
  let mlflow: MlflowSpanExporter;
  let hex: string;
  let recorded: SpanTreeNode[];
  let spanCount: number;

  beforeAll(async () => {
    mlflow = createMlflowSpanExporter({ trackingUri, experimentName: `voice-${randomUUID()}` }, {});
    tracing = await setupAgentTracing({
      serviceName: SERVICE_NAME,
      exporters: [createOtlpSpanExporter({ protocol: 'http/protobuf', endpoint: `${jaeger.otlpHttpUrl}/v1/traces` }, {}), mlflow, memory],
      batch: { scheduledDelayMillis: 50 },
    });
    setTracingDisabled(false);
    const result = await runVoiceDemo();
    expect(result.answer).toBe(VOICE_ANSWER);
    await tracing.forceFlush();
    hex = result.traceId!.slice('trace_'.length);
    const spans = memory.getFinishedSpans().filter((span) => span.spanContext().traceId === hex);
    recorded = buildSpanTree(spans.map(flatSpanFromReadable));
    spanCount = spans.length;
  });
  afterAll(async () => {
    await tracing?.shutdown();
  });

  it('was recorded as the tree of a text run', () => {
    expect(recorded).toMatchSpanTree([expectedTree(true)]);
    // The root, two agents, three turns with a model call each, the handoff and the tool.
    expect(spanCount).toBe(11);
  });

  it('reads back from Jaeger as recorded, and matches the expected tree there', async () => {
    const fromJaeger = await readJaegerTrace(jaeger.queryUrl, hex, { expectSpans: spanCount, settle: 300 });
    expect(fromJaeger.spanCount).toBe(spanCount);
    expect(fromJaeger.serviceName).toBe(SERVICE_NAME);
    expect(fromJaeger.roots).toMatchSpanTree([expectedTree(true)]);
    expect(fromJaeger.roots).toEqual(recorded);
  });

  it('reads back from MLflow as recorded; MLflow shows the session as a trace with its conversation', async () => {
    const stored = await readMlflowTrace(trackingUri, hex, { expectSpans: spanCount, settle: 300, timeoutMs: 30_000 });
    expect(stored.roots).toMatchSpanTree([expectedTree(false)]);
    expect(toMicroseconds(withoutMlflowAdditions(stored.roots))).toEqual(toMicroseconds(asReadFromMlflow(recorded)));

    const view = await mlflow.client.getTrace(hex);
    expect(view?.info).toMatchObject({ traceId: `tr-${hex}`, name: VOICE_WORKFLOW, sessionId: VOICE_GROUP_ID, userId: 'demo-user', state: 'OK' });
    const types = new Map(view!.spans.map((span) => [span.name, span.spanType]));
    expect(types.get('invoke_agent Weather agent')).toBe('AGENT');
    expect(types.get('execute_tool get_weather')).toBe('TOOL');
    expect(types.get('chat gpt-realtime')).toBe('CHAT_MODEL');
    // The caller's question and the spoken answer are the model calls' inputs and outputs there.
    const models = view!.spans.filter((span) => span.spanType === 'CHAT_MODEL');
    expect(JSON.stringify(models.map((span) => span.inputs))).toContain(VOICE_QUESTION);
    expect(JSON.stringify(models.map((span) => span.outputs))).toContain(VOICE_ANSWER);
    const input = [...walkSpanTree(recorded)]
      .filter(({ node }) => node.name === 'chat gpt-realtime')
      .reduce((sum, { node }) => sum + Number(node.attributes[GEN_AI.USAGE_INPUT_TOKENS]), 0);
    expect(view!.info.tokenUsage?.input_tokens).toBe(input);
  });
});
