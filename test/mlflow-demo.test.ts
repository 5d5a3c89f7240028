/**
 * The multi-agent demo, with its MCP server, traced through `setupAgentTracing` into the real
 * MLflow tracking server and read back over MLflow's REST API: the same tree as recorded in memory
 * (what MLflow keeps of it), and what MLflow's trace view shows for each span. Complements
 * mlflow-agent-run.test.ts (the processor on a provider of its own, without MCP).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { AGENTS, GEN_AI, walkSpanTree, type SpanTreeNode } from '@agents-tracing/processor';
import { MLFLOW_SPAN_TYPE_BY_SDK_TYPE, type MlflowSpan, type MlflowTrace } from '@agents-tracing/exporter-mlflow';
import { readMlflowTrace, type ReadTrace } from '@agents-tracing/testing';
import { DEMO_GROUP_ID, DEMO_PROMPTS, DEMO_WORKFLOW, type DemoCase } from '@agents-tracing/example-multi-agent';
import { expectedDemoTree } from './support/demo-expectations.js';
import {
  asReadFromMlflow,
  DEMO_SERVICE_NAME,
  spanIdsOf,
  startMlflowDemo,
  withoutMlflowAdditions,
  type MlflowDemo,
  type RecordedDemoRun,
} from './support/mlflow-demo.js';

const { trackingUri } = inject('mlflow');
const experimentName = `demo-${randomUUID()}`;
let demo: MlflowDemo;

beforeAll(async () => {
  demo = await startMlflowDemo(trackingUri, experimentName);
});
afterAll(async () => {
  await demo?.close();
});

/** The trace once all its spans arrived, and a moment longer to catch duplicates. */
const readBack = (run: RecordedDemoRun): Promise<ReadTrace> =>
  readMlflowTrace(trackingUri, run.hex, { expectSpans: run.spanCount, settle: 300, timeoutMs: 30_000 });

/** The tree read back equals the recorded one, every span exactly once. */
function expectSameTree(stored: ReadTrace, run: RecordedDemoRun): void {
  expect(stored.spanCount).toBe(run.spanCount);
  expect(new Set(spanIdsOf(stored.roots)).size).toBe(run.spanCount);
  expect(withoutMlflowAdditions(stored.roots)).toEqual(asReadFromMlflow(run.recorded));
}

/** MLflow's own view of the trace: span types, inputs and outputs, token usage, trace info. */
async function mlflowView(run: RecordedDemoRun): Promise<MlflowTrace> {
  const stored = await demo.exporter.client.getTrace(run.hex);
  if (!stored) throw new Error(`trace tr-${run.hex} not found in MLflow`);
  return stored;
}

const sdkType = (node: SpanTreeNode): string => String(node.attributes[AGENTS.SPAN_TYPE] ?? 'trace');

/** JSON text as the value it holds; other text as it is. */
function jsonOrText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const CASES: [DemoCase, boolean][] = [
  ['weather', false],
  ['travel', true],
  ['injection', false],
];

describe.each(CASES)('the %s conversation (streamed: %s) in MLflow', (demoCase, streamed) => {
  let run: RecordedDemoRun;
  let stored: ReadTrace;
  let view: MlflowTrace;
  let spans: { recorded: SpanTreeNode; stored: MlflowSpan }[];

  beforeAll(async () => {
    run = await demo.run(demoCase, streamed);
    stored = await readBack(run);
    view = await mlflowView(run);
    const storedById = new Map(view.spans.map((span) => [span.spanId, span]));
    spans = [...walkSpanTree(run.recorded)].map(({ node }) => ({ recorded: node, stored: storedById.get(node.spanId)! }));
  });

  it('was recorded as the demo’s tree (MCP tools included)', () => {
    expect(run.recorded).toMatchSpanTree([expectedDemoTree(demoCase, run.result.traceId, { mcp: true })]);
  });

  it('reads back from MLflow as recorded: spans once, parents, names, times, statuses, events, attributes', () => {
    expectSameTree(stored, run);
  });

  it('has the MLflow span type of each SDK span type: AGENT, TOOL, CHAT_MODEL, GUARDRAIL, CHAIN', () => {
    for (const { recorded, stored } of spans) {
      expect(stored.spanType, recorded.name).toBe(MLFLOW_SPAN_TYPE_BY_SDK_TYPE[sdkType(recorded)]);
    }
    const types = new Set(view.spans.map((span) => span.spanType));
    expect(types).toEqual(
      new Set(demoCase === 'injection' ? ['CHAIN', 'AGENT', 'GUARDRAIL'] : ['CHAIN', 'AGENT', 'TOOL', 'CHAT_MODEL', 'GUARDRAIL']),
    );
  });

  it('shows each agent’s input and final output, and each tool’s arguments and result', () => {
    const shown: string[] = [];
    for (const { recorded, stored } of spans) {
      const attributes = recorded.attributes;
      if (sdkType(recorded) === 'agent') {
        // The conventions' messages, shown to MLflow's chat view as a chat request and response.
        if (attributes[GEN_AI.INPUT_MESSAGES] !== undefined) {
          const [question] = JSON.parse(String(attributes[GEN_AI.INPUT_MESSAGES])) as { parts: { content: string }[] }[];
          expect(stored.inputs, recorded.name).toMatchObject({
            messages: expect.arrayContaining([{ role: 'user', content: question!.parts[0]!.content }]),
          });
        }
        if (attributes[GEN_AI.OUTPUT_MESSAGES] !== undefined) {
          const [answer] = JSON.parse(String(attributes[GEN_AI.OUTPUT_MESSAGES])) as { parts: { type: string; content: string }[] }[];
          const texts = answer!.parts.filter((part) => part.type === 'text').map((part) => part.content);
          expect(stored.outputs, recorded.name).toMatchObject({
            choices: [{ message: { role: 'assistant', content: texts.length > 0 ? texts.join('\n') : null } }],
          });
        }
      }
      if (sdkType(recorded) === 'function') {
        expect(stored.inputs, recorded.name).toEqual(JSON.parse(String(attributes[GEN_AI.TOOL_CALL_ARGUMENTS])));
        // A failed tool's result is the message the SDK gave the model; its span is an error.
        expect(stored.outputs, recorded.name).toEqual(jsonOrText(attributes[GEN_AI.TOOL_CALL_RESULT]));
        expect(stored.status.code, recorded.name).toBe(recorded.status.code === 'ERROR' ? 'ERROR' : 'OK');
      }
      if (stored.inputs !== undefined && stored.outputs !== undefined) shown.push(recorded.name);
    }
    // A run stopped by an input guardrail has its blocked prompt as input, and no output.
    const withBoth = {
      weather: ['invoke_agent Weather agent', 'execute_tool get_weather', 'execute_tool get_forecast'],
      travel: ['invoke_agent Travel agent', 'execute_tool summarize_request', 'execute_tool book_hotel'],
      injection: [],
    }[demoCase];
    expect(shown).toEqual(expect.arrayContaining(withBoth));
  });

  it('has each model call’s token usage, and the sum over them as the trace’s total', () => {
    const total = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
    for (const { recorded, stored } of spans.filter(({ recorded }) => sdkType(recorded) === 'response')) {
      const input = Number(recorded.attributes[GEN_AI.USAGE_INPUT_TOKENS]);
      const output = Number(recorded.attributes[GEN_AI.USAGE_OUTPUT_TOKENS]);
      const cacheRead = recorded.attributes[GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS];
      expect(stored.tokenUsage, recorded.name).toEqual({
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
        ...(cacheRead === undefined ? {} : { cache_read_input_tokens: cacheRead }),
      });
      total.input_tokens += input;
      total.output_tokens += output;
      total.total_tokens += input + output;
    }
    // The total also carries the run's cache counts, which the task span reports (all 0 here).
    if (demoCase === 'injection') expect(view.info.tokenUsage).toBeUndefined();
    else expect(view.info.tokenUsage).toMatchObject(total);
  });

  it('is named after the workflow, in the group’s session, OK or ERROR as the run ended', () => {
    expect(view.info).toMatchObject({
      traceId: `tr-${run.hex}`,
      experimentId: demo.exporter.experiment.experimentId,
      name: DEMO_WORKFLOW,
      sessionId: DEMO_GROUP_ID,
      userId: 'demo-user',
      state: demoCase === 'injection' ? 'ERROR' : 'OK',
    });
    expect(view.info.tags).toMatchObject({ demo_case: demoCase, 'service.name': DEMO_SERVICE_NAME });
    // The trace list shows the question; the SDK gives a run stopped by a tripwire no input.
    if (demoCase !== 'injection') expect(view.info.requestPreview).toBe(DEMO_PROMPTS[demoCase]);
  });
});

describe('20 conversations at the same time', () => {
  it('each arrive in MLflow as recorded, with their own token totals', async () => {
    const runs = await demo.runConcurrently(Array.from({ length: 20 }, (_, i) => [CASES[i % 3]![0], i % 2 === 0] as const));
    expect(new Set(runs.map((run) => run.hex)).size).toBe(20);
    for (const run of runs) {
      expectSameTree(await readBack(run), run);
      // Concurrent requests for one trace made MLflow count tokens twice: the total must be exact.
      const models = [...walkSpanTree(run.recorded)].filter(({ node }) => sdkType(node) === 'response');
      const input = models.reduce((sum, { node }) => sum + Number(node.attributes[GEN_AI.USAGE_INPUT_TOKENS]), 0);
      expect((await mlflowView(run)).info.tokenUsage?.input_tokens, run.result.name).toBe(input || undefined);
    }
  });
});
