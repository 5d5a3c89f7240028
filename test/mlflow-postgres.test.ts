/**
 * Production MLflow keeps its traces in a database server: the demo, traced into MLflow with a
 * PostgreSQL backend store, reads back as recorded in memory, as it does on SQLite
 * (mlflow-demo.test.ts), with the same trace info and token totals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, GEN_AI, walkSpanTree } from '@agents-tracing/processor';
import { readMlflowTrace } from '@agents-tracing/testing';
import { DEMO_GROUP_ID, DEMO_WORKFLOW, type DemoCase } from '@agents-tracing/example-multi-agent';
import { startMlflow, startPostgres, type MlflowServer, type PostgresServer } from './servers/index.js';
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
