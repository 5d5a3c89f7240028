/**
 * `evaluate()` over 1,000 cases at concurrency 8 against a real MLflow: the heap (after gc) grows
 * by no more than the small per-case results it returns, and every case's trace is linked to the
 * run with its assessments, as MLflow's Python client lists them.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, OpenAIResponsesModel, run, setTracingDisabled } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { evaluate, scorer } from '@agents-tracing/evaluation';
import { startScriptedOpenAI, type ScriptedOpenAI } from '@agents-tracing/testing';
import { mlflowPython } from './support/mlflow-python.js';

const CASES = 1000;
const { trackingUri } = inject('mlflow');
let model: ScriptedOpenAI;
let echo: Agent;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  setTracingDisabled(false);
  model = await startScriptedOpenAI((request) => ({ text: `echo: ${request.lastUserText ?? ''}` }));
  echo = new Agent({ name: 'Echo', instructions: 'Repeat the question.', model: new OpenAIResponsesModel(new OpenAI({ baseURL: model.baseURL, apiKey: 'test' }), 'gpt-4.1-mini') });
});
afterAll(async () => {
  await model?.close();
});

it(`keeps memory flat over ${CASES} cases and links every trace to the run`, { timeout: 600_000 }, async () => {
  const experiment = `load-${randomUUID()}`;
  const heap: Record<string, number> = {};
  const measure = (label: string): void => {
    // The scripted model keeps the requests it received; they are the test's, not the evaluation's.
    model.reset();
    gc();
    heap[label] = process.memoryUsage().heapUsed / 1024 / 1024;
  };
  const began = Date.now();
  let casesDone = 0;
  const result = await evaluate({
    name: 'echo-load',
    experiment,
    data: Array.from({ length: CASES }, (_, i) => ({ inputs: `question ${i}` })),
    task: async (question: string) => String((await run(echo, question)).finalOutput),
    scorers: [scorer('exact', (r) => r.outputs === `echo: ${r.inputs}`)],
    concurrency: 8,
    env: { MLFLOW_TRACKING_URI: trackingUri },
    log: false,
    progress: ({ done }) => {
      if (done === 200 || done === 600 || done === CASES) measure(String(done));
      if (done === CASES) casesDone = Date.now();
    },
  });
  const { runId, metrics } = result;
  const traceIds = result.cases.map((c) => `tr-${c.traceId.slice(6)}`).sort();
  const resultKb = JSON.stringify(result.cases).length / CASES / 1024;
  result.cases.length = 0;
  measure('after');
  const seconds = (Date.now() - began) / 1000;
  console.log(
    `${CASES} cases in ${seconds.toFixed(1)} s (cases ${((casesDone - began) / 1000).toFixed(1)} s, then delivery, links, assessments, metrics); ` +
      `heap after gc (MB): ${Object.entries(heap).map(([k, v]) => `${k}: ${v.toFixed(1)}`).join(', ')}; a case's result ${resultKb.toFixed(2)} KB of JSON`,
  );
  expect(metrics).toMatchObject({ cases: CASES, failed_runs: 0, 'exact/pass_rate': 1 });
  // Once the run is written nothing of the cases stays but what `evaluate` returned: 4 KB per case
  // held on to anywhere (a trace's spans are more) would show here.
  expect((heap.after as number) - (heap['200'] as number)).toBeLessThan((4 * CASES) / 1024);
  // While it runs, the spans waiting for MLflow are bounded: the cases wait for them.
  expect((heap[String(CASES)] as number) - (heap['200'] as number)).toBeLessThan(12);

  const traces = await mlflowPython<{ id: string; assessments: string[] }[]>(
    trackingUri,
    `
import json, mlflow
exp = mlflow.get_experiment_by_name("${experiment}")
traces = mlflow.search_traces(locations=[exp.experiment_id], run_id="${runId}", return_type="list", include_spans=False, max_results=5000)
print(json.dumps([{"id": t.info.trace_id, "assessments": sorted(a.name for a in t.info.assessments)} for t in traces]))
`,
  );
  expect(traces.map((t) => t.id).sort()).toEqual(traceIds);
  for (const trace of traces) expect(trace.assessments).toEqual(['exact']);
});
