/**
 * Real agent runs (the multi-agent demo on a scripted model) through the processor and the MLflow
 * exporter into a real MLflow server: what MLflow shows must match what the processor recorded.
 */
import { randomUUID } from 'node:crypto';
import { setTraceProcessors, setTracingDisabled } from '@openai/agents';
import { TracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AGENTS, AgentsIdGenerator, GEN_AI, OpenTelemetryTracingProcessor } from '@agents-tracing/processor';
import { MlflowSpanExporter, MLFLOW_SPAN_TYPE_BY_SDK_TYPE, type MlflowTrace } from '@agents-tracing/exporter-mlflow';
import {
  buildDemoAgents,
  DEMO_GROUP_ID,
  DEMO_PROMPTS,
  DEMO_WORKFLOW,
  runDemoConversation,
  startDemoModel,
  type DemoCase,
  type DemoModel,
} from '@agents-tracing/example-multi-agent';

const { trackingUri } = inject('mlflow');

const memory = new InMemorySpanExporter();
const exporter = new MlflowSpanExporter({ trackingUri, experimentName: `agent-runs-${randomUUID()}` }, {});
const provider = new TracerProvider({
  idGenerator: new AgentsIdGenerator(),
  spanProcessors: [new BatchSpanProcessor({ exporter }), new SimpleSpanProcessor({ exporter: memory })],
});
const processor = new OpenTelemetryTracingProcessor({ tracerProvider: provider, nestToolSpans: false });
let demo: DemoModel;

beforeAll(async () => {
  setTracingDisabled(false);
  setTraceProcessors([processor]);
  demo = await startDemoModel('responses', {});
});

afterAll(async () => {
  setTraceProcessors([]);
  await processor.shutdown();
  await provider.shutdown();
  await demo.close();
});

interface Run {
  recorded: ReadableSpan[];
  stored: MlflowTrace;
}

async function runAndReadBack(name: DemoCase, streamed: boolean): Promise<Run> {
  const result = await runDemoConversation(buildDemoAgents(demo.model), name, streamed);
  const traceId = result.traceId.replace(/^trace_/, '');
  // The processor closes a finished trace's root when the SDK ends the trace; a failed run's root
  // closes with its last child. Both have ended by now.
  await provider.forceFlush();
  const recorded = memory.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const stored = await exporter.client.getTrace(traceId);
  if (!stored) throw new Error(`trace ${traceId} not found in MLflow`);
  return { recorded, stored };
}

function sdkType(span: ReadableSpan): string {
  return String(span.attributes[AGENTS.SPAN_TYPE] ?? 'trace');
}

describe.each([
  ['weather', false],
  ['travel', true],
] as const)('the %s conversation (streamed: %s)', (name, streamed) => {
  let run: Run;

  beforeAll(async () => {
    run = await runAndReadBack(name, streamed);
  });

  it('MLflow has every recorded span once, with the same parent and the MLflow type of its SDK type', () => {
    const { recorded, stored } = run;
    expect(stored.spans).toHaveLength(recorded.length);
    const storedById = new Map(stored.spans.map((span) => [span.spanId, span]));
    for (const span of recorded) {
      const inMlflow = storedById.get(span.spanContext().spanId);
      expect(inMlflow, span.name).toBeDefined();
      expect(inMlflow?.name).toBe(span.name);
      expect(inMlflow?.parentSpanId).toBe(span.parentSpanContext?.spanId);
      expect(inMlflow?.spanType, span.name).toBe(MLFLOW_SPAN_TYPE_BY_SDK_TYPE[sdkType(span)]);
    }
  });

  it('tool spans show the arguments the model gave and what the tool returned', () => {
    const tools = run.recorded.filter((span) => sdkType(span) === 'function');
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      const inMlflow = run.stored.spans.find((span) => span.spanId === tool.spanContext().spanId);
      expect(inMlflow?.inputs).toEqual(JSON.parse(String(tool.attributes[GEN_AI.TOOL_CALL_ARGUMENTS])));
      expect(inMlflow?.outputs).toBeDefined();
    }
  });

  it('each model call has its token usage, and the trace total is their sum', () => {
    const models = run.recorded.filter((span) => ['response', 'generation'].includes(sdkType(span)));
    const sum = { input_tokens: 0, output_tokens: 0 };
    for (const model of models) {
      const input = Number(model.attributes[GEN_AI.USAGE_INPUT_TOKENS]);
      const output = Number(model.attributes[GEN_AI.USAGE_OUTPUT_TOKENS]);
      const inMlflow = run.stored.spans.find((span) => span.spanId === model.spanContext().spanId);
      expect(inMlflow?.tokenUsage).toMatchObject({ input_tokens: input, output_tokens: output });
      sum.input_tokens += input;
      sum.output_tokens += output;
    }
    expect(sum.input_tokens).toBeGreaterThan(0);
    expect(run.stored.info.tokenUsage).toMatchObject(sum);
  });

  it('the trace is named after the workflow, in the group’s session, for the run’s user, with its request', () => {
    expect(run.stored.info).toMatchObject({
      name: DEMO_WORKFLOW,
      sessionId: DEMO_GROUP_ID,
      userId: 'demo-user',
      state: 'OK',
    });
    expect(run.stored.info.tags).toMatchObject({ demo_case: name });
    // The trace list shows the question and the answer as text.
    expect(run.stored.info.requestPreview).toBe(DEMO_PROMPTS[name]);
    expect(run.stored.info.responsePreview).toMatch(/^[^[{]/);
  });
});

describe('a run stopped by a guardrail tripwire', () => {
  it('is an ERROR trace whose guardrail span shows the tripwire', async () => {
    const { stored, recorded } = await runAndReadBack('injection', false);
    expect(stored.spans).toHaveLength(recorded.length);
    expect(stored.info.state).toBe('ERROR');
    const guardrails = stored.spans.filter((span) => span.spanType === 'GUARDRAIL');
    expect(guardrails.map((span) => span.outputs)).toContainEqual({ triggered: true });
  });
});
