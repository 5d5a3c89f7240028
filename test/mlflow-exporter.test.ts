/**
 * The MLflow exporter against a real MLflow tracking server (3.17.2, SQLite store): a hand-built
 * span tree shaped like an agent run, with the processor's attribute keys, read back through the
 * exporter's REST client as a user of the MLflow UI would see it.
 */
import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AGENTS, GEN_AI, GEN_AI_OPERATION } from '@agents-tracing/processor';
import { MlflowSpanExporter, type MlflowSpan, type MlflowTrace } from '@agents-tracing/exporter-mlflow';

const { trackingUri } = inject('mlflow');
const experimentName = `exporter-test-${randomUUID()}`;

const exporter = new MlflowSpanExporter({ trackingUri, experimentName }, {});
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'mlflow-exporter-test' }),
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});
const tracer = provider.getTracer('mlflow-exporter-test');

// Content in the GenAI conventions' message format, as the processor records it.
const QUESTION = [{ role: 'user', parts: [{ type: 'text', content: 'What is the weather in Paris?' }] }];
const TOOL_CALL = [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] }];
const ANSWER = [{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny, 21 °C.' }], finish_reason: 'stop' }];

function child(name: string, parent: Span, attributes: Attributes, kind = SpanKind.INTERNAL): Span {
  return tracer.startSpan(name, { kind, attributes }, trace.setSpan(ROOT_CONTEXT, parent));
}

function model(parent: Span, input: unknown, output: unknown, usage: { input: number; output: number }): void {
  child(
    'chat gpt-4o',
    parent,
    {
      [AGENTS.SPAN_TYPE]: 'response',
      [GEN_AI.OPERATION_NAME]: GEN_AI_OPERATION.CHAT,
      [GEN_AI.REQUEST_MODEL]: 'gpt-4o',
      [GEN_AI.USAGE_INPUT_TOKENS]: usage.input,
      [GEN_AI.USAGE_OUTPUT_TOKENS]: usage.output,
      [AGENTS.USAGE_TOTAL_TOKENS]: usage.input + usage.output,
      [GEN_AI.INPUT_MESSAGES]: JSON.stringify(input),
      [GEN_AI.OUTPUT_MESSAGES]: JSON.stringify(output),
      [GEN_AI.TOOL_DEFINITIONS]: JSON.stringify([{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }]),
    },
    SpanKind.CLIENT,
  ).end();
}

interface RunOptions {
  groupId?: string;
  /** The application span the run nests under, if any. */
  parent?: Span;
  failed?: boolean;
}

/**
 * workflow → task → agent → { guardrail, chat (asks for the tool), execute_tool, chat (answers) },
 * as the processor shapes a run. Returns the workflow span.
 */
function agentRun(options: RunOptions = {}): Span {
  const parentContext: Context = options.parent ? trace.setSpan(ROOT_CONTEXT, options.parent) : ROOT_CONTEXT;
  const workflow = tracer.startSpan(
    'Weather workflow',
    {
      attributes: {
        [GEN_AI.OPERATION_NAME]: GEN_AI_OPERATION.INVOKE_WORKFLOW,
        [GEN_AI.WORKFLOW_NAME]: 'Weather workflow',
        [GEN_AI.CONVERSATION_ID]: options.groupId ?? 'thread-42',
        [AGENTS.TRACE_ID]: 'trace_0123456789abcdef0123456789abcdef',
        [`${AGENTS.METADATA_PREFIX}customer`]: 'acme',
        'user.id': 'user-7',
      },
    },
    parentContext,
  );
  const task = child('invoke_workflow Weather workflow', workflow, {
    [AGENTS.SPAN_TYPE]: 'task',
    [GEN_AI.OPERATION_NAME]: GEN_AI_OPERATION.INVOKE_WORKFLOW,
    [GEN_AI.WORKFLOW_NAME]: 'Weather workflow',
    [GEN_AI.INPUT_MESSAGES]: JSON.stringify(QUESTION),
    [GEN_AI.OUTPUT_MESSAGES]: JSON.stringify(ANSWER),
    // The run's aggregated usage, as the SDK reports it: MLflow must not count it twice.
    [GEN_AI.USAGE_INPUT_TOKENS]: 30,
    [GEN_AI.USAGE_OUTPUT_TOKENS]: 13,
  });
  const agent = child('invoke_agent Weather agent', task, {
    [AGENTS.SPAN_TYPE]: 'agent',
    [GEN_AI.OPERATION_NAME]: GEN_AI_OPERATION.INVOKE_AGENT,
    [GEN_AI.AGENT_NAME]: 'Weather agent',
    [GEN_AI.INPUT_MESSAGES]: JSON.stringify(QUESTION),
    [GEN_AI.OUTPUT_MESSAGES]: JSON.stringify(ANSWER),
  });
  const guardrail = child('guardrail no_profanity', agent, {
    [AGENTS.SPAN_TYPE]: 'guardrail',
    [AGENTS.GUARDRAIL_NAME]: 'no_profanity',
    [AGENTS.GUARDRAIL_TRIGGERED]: options.failed === true,
  });
  if (options.failed) guardrail.setStatus({ code: SpanStatusCode.ERROR, message: 'guardrail tripwire triggered' });
  guardrail.end();
  if (!options.failed) {
    model(agent, QUESTION, TOOL_CALL, { input: 10, output: 5 });
    child('execute_tool get_weather', agent, {
      [AGENTS.SPAN_TYPE]: 'function',
      [GEN_AI.OPERATION_NAME]: GEN_AI_OPERATION.EXECUTE_TOOL,
      [GEN_AI.TOOL_NAME]: 'get_weather',
      [GEN_AI.TOOL_CALL_ARGUMENTS]: '{"city":"Paris"}',
      [GEN_AI.TOOL_CALL_RESULT]: 'Sunny, 21 °C',
    }).end();
    model(agent, [...QUESTION, ...TOOL_CALL], ANSWER, { input: 20, output: 8 });
  }
  for (const span of [agent, task, workflow]) {
    if (options.failed) span.setStatus({ code: SpanStatusCode.ERROR, message: 'agent run failed' });
    span.end();
  }
  return workflow;
}

async function readBack(root: Span): Promise<MlflowTrace> {
  // SimpleSpanProcessor exports as spans end; MLflow has stored them once the exports returned.
  await provider.forceFlush();
  const stored = await exporter.client.getTrace(root.spanContext().traceId);
  if (!stored) throw new Error(`trace ${root.spanContext().traceId} not found in MLflow`);
  return stored;
}

function byName(stored: MlflowTrace, name: string): MlflowSpan[] {
  return stored.spans.filter((span) => span.name === name);
}

function only(stored: MlflowTrace, name: string): MlflowSpan {
  const spans = byName(stored, name);
  expect(spans, name).toHaveLength(1);
  return spans[0] as MlflowSpan;
}

beforeAll(() => {
  expect(exporter.stats.exportedSpans).toBe(0);
});

afterAll(async () => {
  await provider.shutdown();
});

describe('an agent run read back from MLflow', () => {
  let stored: MlflowTrace;
  let root: Span;

  beforeAll(async () => {
    root = agentRun();
    stored = await readBack(root);
  });

  it('lands in the experiment created by name, under the OpenTelemetry trace id', () => {
    expect(stored.info.traceId).toBe(`tr-${root.spanContext().traceId}`);
    expect(exporter.experiment.experimentId).toMatch(/^[0-9]+$/);
    expect(stored.info.experimentId).toBe(exporter.experiment.experimentId);
  });

  it('has every span once, each under the right parent', () => {
    expect(stored.spans.map((s) => s.name).sort()).toEqual(
      [
        'Weather workflow',
        'invoke_workflow Weather workflow',
        'invoke_agent Weather agent',
        'guardrail no_profanity',
        'chat gpt-4o',
        'execute_tool get_weather',
        'chat gpt-4o',
      ].sort(),
    );
    const workflow = only(stored, 'Weather workflow');
    const task = only(stored, 'invoke_workflow Weather workflow');
    const agent = only(stored, 'invoke_agent Weather agent');
    expect(workflow.parentSpanId).toBeUndefined();
    expect(task.parentSpanId).toBe(workflow.spanId);
    expect(agent.parentSpanId).toBe(task.spanId);
    for (const name of ['guardrail no_profanity', 'chat gpt-4o', 'execute_tool get_weather']) {
      for (const span of byName(stored, name)) expect(span.parentSpanId, name).toBe(agent.spanId);
    }
  });

  it('gives each span its MLflow type', () => {
    const types = Object.fromEntries(stored.spans.map((s) => [s.name, s.spanType]));
    expect(types).toEqual({
      'Weather workflow': 'CHAIN',
      'invoke_workflow Weather workflow': 'CHAIN',
      'invoke_agent Weather agent': 'AGENT',
      'guardrail no_profanity': 'GUARDRAIL',
      'chat gpt-4o': 'CHAT_MODEL',
      'execute_tool get_weather': 'TOOL',
    });
  });

  it('shows the agent’s and the tool’s inputs and outputs', () => {
    const agent = only(stored, 'invoke_agent Weather agent');
    // What MLflow's chat view reads: the request's messages and a chat completion.
    expect(agent.inputs).toEqual({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    expect(agent.outputs).toMatchObject({ choices: [{ message: { role: 'assistant', content: 'Sunny, 21 °C.' } }] });
    expect(agent.attributes['mlflow.message.format']).toBe('openai');
    const tool = only(stored, 'execute_tool get_weather');
    expect(tool.inputs).toEqual({ city: 'Paris' });
    expect(tool.outputs).toBe('Sunny, 21 °C');
    expect(only(stored, 'guardrail no_profanity').outputs).toEqual({ triggered: false });
  });

  it('has token usage on each model call and the trace total, counted once', () => {
    expect(byName(stored, 'chat gpt-4o').map((s) => s.tokenUsage)).toEqual(
      expect.arrayContaining([
        { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
        { input_tokens: 20, output_tokens: 8, total_tokens: 28 },
      ]),
    );
    expect(stored.info.tokenUsage).toEqual({ input_tokens: 30, output_tokens: 13, total_tokens: 43 });
  });

  it('shows the tools the model was offered', () => {
    expect(byName(stored, 'chat gpt-4o')[0]?.attributes['mlflow.chat.tools']).toEqual([
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
    ]);
  });

  it('is named after the workflow, in the SDK group’s session, for the user, tagged with the metadata', () => {
    expect(stored.info).toMatchObject({
      name: 'Weather workflow',
      sessionId: 'thread-42',
      userId: 'user-7',
      state: 'OK',
    });
    expect(stored.info.tags).toMatchObject({ customer: 'acme' });
  });

  it('previews the run’s request and response in the trace list', () => {
    expect(stored.info.requestPreview).toContain('What is the weather in Paris?');
    expect(stored.info.responsePreview).toContain('Sunny, 21 °C.');
  });

  it('is found by searching the experiment, and can be tagged', async () => {
    const experimentId = exporter.experiment.experimentId as string;
    const found = await exporter.client.searchTraces({ experimentIds: [experimentId], filter: "tags.customer = 'acme'" });
    expect(found.traces.map((t) => t.traceId)).toContain(stored.info.traceId);
    await exporter.client.setTraceTag(stored.info.traceId, 'reviewed', 'yes');
    const reviewed = await exporter.client.searchTraces({ experimentIds: [experimentId], filter: "tags.reviewed = 'yes'" });
    expect(reviewed.traces.map((t) => t.traceId)).toEqual([stored.info.traceId]);
  });
});

describe('other runs', () => {
  it('a failed run is an ERROR trace', async () => {
    const stored = await readBack(agentRun({ failed: true }));
    expect(stored.info.state).toBe('ERROR');
    expect(only(stored, 'guardrail no_profanity')).toMatchObject({ outputs: { triggered: true }, status: { code: 'ERROR' } });
  });

  it('a run inside an application span: the app span is the root, the trace still carries the workflow', async () => {
    const app = tracer.startSpan('POST /chat', { kind: SpanKind.SERVER, attributes: { 'http.route': '/chat' } });
    agentRun({ parent: app, groupId: 'thread-nested' });
    app.end();
    const stored = await readBack(app);
    const appSpan = only(stored, 'POST /chat');
    expect(appSpan.parentSpanId).toBeUndefined();
    expect(only(stored, 'Weather workflow').parentSpanId).toBe(appSpan.spanId);
    expect(stored.info).toMatchObject({ name: 'Weather workflow', sessionId: 'thread-nested', userId: 'user-7', state: 'OK' });
    expect(stored.info.tags).toMatchObject({ customer: 'acme' });
    expect(stored.info.requestPreview).toContain('What is the weather in Paris?');
    expect(stored.info.tokenUsage).toEqual({ input_tokens: 30, output_tokens: 13, total_tokens: 43 });
  });

  it('a group id longer than MLflow accepts still stores the trace, its session cut to 250 characters', async () => {
    const groupId = `g-${'x'.repeat(400)}`;
    const stored = await readBack(agentRun({ groupId }));
    expect(stored.spans).toHaveLength(7);
    expect(stored.info.sessionId).toBe(groupId.slice(0, 250));
  });

  it('every span was delivered', () => {
    expect(exporter.stats).toMatchObject({ failedSpans: 0 });
    expect(exporter.stats.lastError).toBeUndefined();
  });
});
