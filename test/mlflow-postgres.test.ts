/**
 * Production MLflow keeps its traces in a database server: the demo, traced into MLflow with a
 * PostgreSQL backend store, reads back as recorded in memory, as it does on SQLite
 * (mlflow-demo.test.ts), with the same trace info and token totals; feedback and an evaluation
 * run read back through REST and MLflow's Python client.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, getAssessments, logFeedback, scorer } from '@agents-tracing/evaluation';
import { MlflowClient } from '@agents-tracing/exporter-mlflow';
import { AGENTS, GEN_AI, walkSpanTree } from '@agents-tracing/processor';
import { readMlflowTrace } from '@agents-tracing/testing';
import { DEMO_GROUP_ID, DEMO_WORKFLOW, type DemoCase } from '@agents-tracing/example-multi-agent';
import { startMlflow, startPostgres, type MlflowServer, type PostgresServer } from './servers/index.js';
import { mlflowPython } from './support/mlflow-python.js';
import { startPolicyAgent, type PolicyAgent } from './support/policy-agent.js';
import { asReadFromMlflow, spanIdsOf, startMlflowDemo, withoutMlflowAdditions, type MlflowDemo } from './support/mlflow-demo.js';

let postgres: PostgresServer | undefined;
let mlflow: MlflowServer | undefined;
let demo: MlflowDemo | undefined;

beforeAll(async () => {
  postgres = await startPostgres();
  mlflow = await startMlflow({ backendStoreUri: postgres.url });
  demo = await startMlflowDemo(mlflow.trackingUri, 'demo-on-postgres');
});

afterAll(async () => {
  await demo?.close();
  await mlflow?.stop();
  await postgres?.stop();
});

describe('MLflow with a PostgreSQL backend store', () => {
  it.each<[DemoCase, boolean]>([
    ['weather', false],
    ['travel', true],
    ['injection', false],
  ])('holds the %s conversation (streamed: %s) as recorded', async (demoCase, streamed) => {
    const run = await demo!.run(demoCase, streamed);
    const stored = await readMlflowTrace(mlflow!.trackingUri, run.hex, { expectSpans: run.spanCount, settle: 300, timeoutMs: 30_000 });

    expect(stored.spanCount).toBe(run.spanCount);
    expect(new Set(spanIdsOf(stored.roots)).size).toBe(run.spanCount);
    expect(withoutMlflowAdditions(stored.roots)).toEqual(asReadFromMlflow(run.recorded));
    expect(stored.info).toMatchObject({
      experimentId: demo!.exporter.experiment.experimentId,
      name: DEMO_WORKFLOW,
      state: demoCase === 'injection' ? 'ERROR' : 'OK',
      metadata: { 'mlflow.trace.session': DEMO_GROUP_ID, 'mlflow.trace.user': 'demo-user' },
    });
    const models = [...walkSpanTree(run.recorded)].filter(({ node }) => node.attributes[AGENTS.SPAN_TYPE] === 'response');
    const sum = (key: string) => models.reduce((total, { node }) => total + Number(node.attributes[key]), 0);
    const [input, output] = [sum(GEN_AI.USAGE_INPUT_TOKENS), sum(GEN_AI.USAGE_OUTPUT_TOKENS)];
    expect(stored.info.tokenUsage).toEqual(
      models.length === 0 ? undefined : { inputTokens: input, outputTokens: output, totalTokens: input + output },
    );
  });
});

describe('evaluation on a PostgreSQL backend store', () => {
  let agent: PolicyAgent | undefined;
  beforeAll(async () => {
    // The demo's tracing would see the evaluation's traces too.
    await demo?.close();
    demo = undefined;
    agent = await startPolicyAgent();
  });
  afterAll(async () => {
    await agent?.close();
  });

  it('keeps feedback, an evaluation run, its linked traces and their assessments, as REST and MLflow\'s Python client read them', async () => {
    const uri = mlflow!.trackingUri;
    const env = { MLFLOW_TRACKING_URI: uri };
    const experiment = `eval-on-postgres-${randomUUID()}`;
    const result = await evaluate({
      name: 'support-on-postgres',
      experiment,
      data: [
        { inputs: { question: 'What is the refund period?' }, expectations: { answer: '30 days' } },
        { inputs: { question: 'How long is the warranty?' }, expectations: { answer: '2 years' } },
      ],
      task: ({ question }: { question: string }) => agent!.ask(question),
      scorers: [scorer('correct', (r) => String(r.outputs).includes(String(r.expectations.answer)))],
      env,
      log: false,
      progress: false,
    });
    const traceId = result.cases.find((c) => c.inputs.question.includes('refund'))!.traceId;
    const thumbs = await logFeedback(traceId, { name: 'user_satisfied', value: false, rationale: 'wanted store credit', source: 'alice' }, { env });

    const client = MlflowClient.fromEnv({}, env);
    expect((await client.getRun(result.runId)).metrics).toEqual(result.metrics);
    expect(result.metrics).toMatchObject({ cases: 2, 'correct/pass_rate': 1 });
    const rest = await getAssessments(traceId, { env });
    expect(rest.map((a) => [a.name, a.kind, a.value]).sort()).toEqual([
      ['answer', 'expectation', '30 days'],
      ['correct', 'feedback', true],
      ['user_satisfied', 'feedback', false],
    ]);
    expect(rest.find((a) => a.name === 'user_satisfied')?.assessmentId).toBe(thumbs.assessmentId);

    const python = await mlflowPython<{ runType: string; traces: Record<string, [string, unknown, string | null][]> }>(
      uri,
      `
import json, mlflow
exp = mlflow.get_experiment_by_name("${experiment}")
run = mlflow.get_run("${result.runId}")
traces = mlflow.search_traces(locations=[exp.experiment_id], run_id="${result.runId}", return_type="list", include_spans=False)
print(json.dumps({"runType": run.data.tags.get("mlflow.runType"),
  "traces": {t.info.trace_id: sorted([a.name, a.value, getattr(a, "rationale", None)] for a in t.info.assessments) for t in traces}}))
`,
    );
    expect(python.runType).toBe('genai_evaluate');
    expect(Object.keys(python.traces).sort()).toEqual(result.cases.map((c) => `tr-${c.traceId.slice(6)}`).sort());
    expect(python.traces[`tr-${traceId.slice(6)}`]).toEqual([
      ['answer', '30 days', null],
      ['correct', true, null],
      ['user_satisfied', false, 'wanted store credit'],
    ]);
  });
});
