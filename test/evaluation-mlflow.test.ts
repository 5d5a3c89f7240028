/**
 * Feedback, expectations, evaluation runs and agent versions in a real MLflow server, read back
 * through its REST API and through MLflow's own Python client.
 */
import { randomUUID } from 'node:crypto';
import { setTracingDisabled } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { setupAgentTracing } from '@agents-tracing/delivery';
import { MlflowClient } from '@agents-tracing/exporter-mlflow';
import {
  deleteAssessment,
  evaluate,
  EvaluationThresholdError,
  getAssessments,
  InvalidAssessmentError,
  llmJudge,
  logExpectation,
  logFeedback,
  scorer,
  TraceNotFoundError,
  updateAssessment,
  type EvaluationCase,
} from '@agents-tracing/evaluation';
import { main } from '@agents-tracing/cli';
import { startScriptedOpenAI } from '@agents-tracing/testing';
import OpenAI from 'openai';
import { getCurrentTrace, withTrace } from '@openai/agents';
import { startMlflow, type MlflowServer } from './servers/index.js';
import { startFaultProxy } from './support/fault-proxy.js';
import { mlflowPython } from './support/mlflow-python.js';
import { startPolicyAgent, type PolicyAgent } from './support/policy-agent.js';

const { trackingUri } = inject('mlflow');
const env = { MLFLOW_TRACKING_URI: trackingUri };
let agent: PolicyAgent;

beforeAll(async () => {
  setTracingDisabled(false);
  agent = await startPolicyAgent();
});
afterAll(async () => {
  await agent.close();
});

const DATASET: EvaluationCase<{ question: string }>[] = [
  { inputs: { question: 'What is the refund period?' }, expectations: { answer: '30 days' } },
  { inputs: { question: 'How long is the exchange window?' }, expectations: { answer: '60 days' } },
  { inputs: { question: 'How long is the warranty?' }, expectations: { answer: '2 years' } },
  { inputs: { question: 'Refund for a gift?' }, expectations: { answer: '30 days' } },
  { inputs: { question: 'Exchange a sale item?' }, expectations: { answer: '60 days' } },
  { inputs: { question: 'Warranty on batteries?' }, expectations: { answer: '2 years' } },
];

const correct = scorer('correct', (run) => String(run.outputs).includes(String(run.expectations.answer)));
const usedPolicyOnce = scorer('used_policy_once', (run) => run.toolCalls('lookup_policy').length === 1);

describe('feedback and expectations on a trace', () => {
  it('are stored as MLflow assessments, updated and deleted, as MLflow\'s Python client reads them', async () => {
    const experimentName = `feedback-${randomUUID()}`;
    const traceId = await agent.askTraced('What is the refund period?', { mlflow: { trackingUri, experimentName }, env });
    expect(traceId).toMatch(/^trace_[0-9a-f]{32}$/);

    // From "another process": only the trace id as the SDK printed it and the environment.
    const thumbs = await logFeedback(traceId, { name: 'user_satisfied', value: false, rationale: 'wrong store', source: 'alice', metadata: { channel: 'web' } }, { env });
    const score = await logFeedback(traceId, { name: 'quality', value: 0.25, source: { type: 'LLM_JUDGE', id: 'gpt-4.1' } }, { env });
    const truth = await logExpectation(traceId, { name: 'expected_answer', value: { period: '30 days', cites: ['refund policy'] } }, { env });
    expect(thumbs).toMatchObject({ name: 'user_satisfied', kind: 'feedback', value: false, rationale: 'wrong store', source: { type: 'HUMAN', id: 'alice' } });
    expect(truth.traceId).toBe(`tr-${traceId.slice('trace_'.length)}`);

    const updated = await updateAssessment(traceId, score.assessmentId, { value: 0.75, rationale: 'on second look' }, { env });
    expect(updated).toMatchObject({ value: 0.75, rationale: 'on second look' });
    await deleteAssessment(traceId, thumbs.assessmentId, { env });

    const rest = await getAssessments(traceId, { env });
    expect(rest.map((a) => [a.name, a.kind, a.value]).sort()).toEqual([
      ['expected_answer', 'expectation', { period: '30 days', cites: ['refund policy'] }],
      ['quality', 'feedback', 0.75],
    ]);

    const python = await mlflowPython<{ name: string; value: unknown; rationale: string | null; source: string; valid: boolean }[]>(
      trackingUri,
      `
import json, mlflow
trace = mlflow.get_trace("tr-${traceId.slice('trace_'.length)}")
print(json.dumps([{"name": a.name, "value": a.value, "rationale": getattr(a, "rationale", None), "source": a.source.source_type, "valid": a.valid is not False} for a in trace.info.assessments]))
`,
    );
    // Python keeps the deleted one out; it lists what REST lists.
    expect(python.filter((a) => a.valid).map((a) => [a.name, a.value, a.source]).sort()).toEqual([
      ['expected_answer', { period: '30 days', cites: ['refund policy'] }, 'HUMAN'],
      ['quality', 0.75, 'LLM_JUDGE'],
    ]);
  });

  it('names the trace and the server when the trace does not exist', async () => {
    const missing = 'trace_' + 'ab'.repeat(16);
    const error = await logFeedback(missing, { name: 'x', value: 1 }, { env, waitForTraceMillis: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceNotFoundError);
    expect((error as Error).message).toContain(`tr-${'ab'.repeat(16)}`);
    expect((error as Error).message).toContain(trackingUri);
  });

  it('rejects values MLflow cannot hold before sending anything', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [Number.NaN, Infinity, cyclic, new Map(), undefined, () => 1]) {
      await expect(logFeedback('trace_' + 'cd'.repeat(16), { name: 'bad', value: value as never }, { env })).rejects.toBeInstanceOf(InvalidAssessmentError);
    }
    await expect(logFeedback('not-a-trace', { name: 'x', value: 1 }, { env })).rejects.toThrow(/is not a trace id/);
  });
});

describe('agent versions and the command line', () => {
  it('links traces to a logged model named in setupAgentTracing or AGENTS_TRACING_AGENT_VERSION, and takes feedback from the CLI', async () => {
    const experimentName = `versions-${randomUUID()}`;
    const traceIds: string[] = [];
    for (const [settings, versionEnv] of [
      [{ agentVersion: { name: 'support-v1', params: { prompt_sha: 'aaa' } } }, {}],
      [{}, { AGENTS_TRACING_AGENT_VERSION: 'support-v2' }],
    ] as const) {
      const tracing = await setupAgentTracing({
        mlflow: { trackingUri, experimentName, ...settings },
        env: { ...env, ...versionEnv },
        exitHooks: false,
        registerGlobal: false,
      });
      try {
        await withTrace('Support question', async (trace) => {
          traceIds.push(trace.traceId);
          await agent.ask('What is the refund period?');
        });
      } finally {
        await tracing.shutdown();
      }
    }
    const out: string[] = [];
    const io = { env, stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), progressStream: undefined };
    expect(await main(['feedback', traceIds[0] as string, '--name', 'thumbs_up', '--value', 'true', '--source', 'bob'], io)).toBe(0);
    expect(out.join('\n')).toContain('logged feedback thumbs_up=true');
    expect(await main(['feedback', 'trace_' + 'ef'.repeat(16), '--name', 'x', '--value', '1', '--wait', '0.3'], io)).toBe(2);
    expect(out.join('\n')).toContain(`agents-tracing: trace tr-${'ef'.repeat(16)} is not in MLflow at ${trackingUri}`);
    expect(out.join('\n')).not.toMatch(/\n\s+at /);

    const seen = await mlflowPython<{ models: Record<string, string>; traces: Record<string, string | null>; feedback: unknown[] }>(
      trackingUri,
      `
import json, mlflow
exp = mlflow.get_experiment_by_name("${experimentName}")
models = mlflow.search_logged_models(experiment_ids=[exp.experiment_id], output_format="list")
traces = mlflow.search_traces(locations=[exp.experiment_id], return_type="list", include_spans=False)
first = mlflow.get_trace("tr-${traceIds[0]?.slice(6)}")
print(json.dumps({
  "models": {m.model_id: m.name for m in models},
  "traces": {t.info.trace_id: t.info.trace_metadata.get("mlflow.modelId") for t in traces},
  "feedback": [[a.name, a.value, a.source.source_id] for a in first.info.assessments],
}))
`,
    );
    const byName = Object.fromEntries(Object.entries(seen.models).map(([id, name]) => [name, id]));
    expect(Object.keys(byName).sort()).toEqual(['support-v1', 'support-v2']);
    expect(seen.traces).toEqual({
      [`tr-${traceIds[0]?.slice(6)}`]: byName['support-v1'],
      [`tr-${traceIds[1]?.slice(6)}`]: byName['support-v2'],
    });
    expect(seen.feedback).toEqual([['thumbs_up', true, 'bob']]);
  });
});

describe('evaluate()', () => {
  it('records an evaluation run with linked traces, scores as assessments, metrics, params and an agent version', async () => {
    const experiment = `eval-${randomUUID()}`;
    const failing = scorer('strict_judge', (run) => {
      if (String(run.inputs.question).includes('batteries')) throw new Error('judge had no opinion');
      return { value: 'yes', rationale: 'fine' };
    });
    const result = await evaluate({
      name: 'support-careful',
      experiment,
      data: DATASET,
      task: async ({ question }: { question: string }) => {
        if (question.includes('gift')) throw new Error('gift cards are not supported');
        return agent.ask(question);
      },
      scorers: [correct, usedPolicyOnce, failing],
      agentVersion: { name: 'support-careful', params: { prompt: 'look up first' } },
      concurrency: 3,
      env,
      log: false,
      progress: false,
    });

    expect(result.cases).toHaveLength(6);
    expect(result.metrics).toMatchObject({
      cases: 6,
      failed_runs: 1,
      'correct/mean': 5 / 6,
      'correct/pass_rate': 5 / 6,
      'used_policy_once/pass_rate': 5 / 6,
      'strict_judge/pass_rate': 1,
      'strict_judge/errors': 1,
      guardrail_trips: 0,
      tool_error_rate: 0,
    });
    expect(result.metrics['tokens/input']).toBeGreaterThan(0);
    expect(result.metrics['latency_ms/p95']).toBeGreaterThanOrEqual(result.metrics['latency_ms/p50'] as number);
    expect(result.params).toMatchObject({ agents: 'Support', models: 'gpt-4.1-mini', agent_version: 'support-careful' });
    expect(result.params['agent.Support.instructions_sha256']).toMatch(/^[0-9a-f]{16}$/);

    const client = MlflowClient.fromEnv({}, env);
    const run = await client.getRun(result.runId);
    expect(run.tags['mlflow.runType']).toBe('genai_evaluate');
    expect(run.info.status).toBe('FINISHED');
    expect(run.metrics).toEqual(result.metrics);
    expect(run.params).toEqual(result.params);
    expect(run.modelInputs).toEqual([result.modelId]);

    const fromPython = await mlflowPython<{
      runType: string;
      metrics: Record<string, number>;
      traces: { id: string; modelId: string; assessments: { name: string; value: unknown; error: string | null; runId: string | null }[] }[];
      model: { name: string; params: Record<string, string> };
    }>(
      trackingUri,
      `
import json, mlflow
exp = mlflow.get_experiment_by_name("${experiment}")
runs = mlflow.search_runs([exp.experiment_id], output_format="list")
run = [r for r in runs if r.info.run_id == "${result.runId}"][0]
traces = mlflow.search_traces(locations=[exp.experiment_id], run_id="${result.runId}", return_type="list", include_spans=False)
model = mlflow.get_logged_model("${result.modelId}")
print(json.dumps({
  "runType": run.data.tags.get("mlflow.runType"),
  "metrics": run.data.metrics,
  "traces": [{"id": t.info.trace_id, "modelId": t.info.trace_metadata.get("mlflow.modelId"),
              "assessments": [{"name": a.name, "value": a.value, "error": (a.error.error_message if a.error else None),
                               "runId": (a.metadata or {}).get("mlflow.assessment.sourceRunId")} for a in t.info.assessments]} for t in traces],
  "model": {"name": model.name, "params": model.params},
}))
`,
    );
    expect(fromPython.runType).toBe('genai_evaluate');
    expect(fromPython.metrics).toEqual(result.metrics);
    expect(fromPython.model).toEqual({ name: 'support-careful', params: { prompt: 'look up first' } });
    expect(fromPython.traces.map((t) => t.id).sort()).toEqual(result.cases.map((c) => `tr-${c.traceId.slice(6)}`).sort());
    for (const trace of fromPython.traces) {
      expect(trace.modelId).toBe(result.modelId);
      const names = trace.assessments.map((a) => a.name).sort();
      expect(names).toEqual(['answer', 'correct', 'strict_judge', 'used_policy_once']);
      for (const a of trace.assessments.filter((x) => x.name !== 'answer')) expect(a.runId).toBe(result.runId);
    }
    const battery = result.cases.find((c) => String(c.inputs.question).includes('batteries'));
    const batteryTrace = fromPython.traces.find((t) => t.id === `tr-${battery?.traceId.slice(6)}`);
    expect(batteryTrace?.assessments.find((a) => a.name === 'strict_judge')?.error).toContain('judge had no opinion');
    const gift = result.cases.find((c) => String(c.inputs.question).includes('gift'));
    expect(gift?.error).toContain('gift cards are not supported');
  });

  it('rejects when a threshold is missed, after logging the run', async () => {
    const error = await evaluate({
      name: 'support-careless',
      experiment: `eval-${randomUUID()}`,
      data: DATASET.slice(0, 2),
      task: ({ question }: { question: string }) => agent.ask(question, 'careless'),
      scorers: [correct],
      thresholds: { 'correct/pass_rate': 0.8 },
      env,
      log: false,
      progress: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvaluationThresholdError);
    expect((error as Error).message).toContain('correct/pass_rate = 0 < 0.8');
    const run = await MlflowClient.fromEnv({}, env).getRun((error as EvaluationThresholdError).result.runId);
    expect(run.metrics['correct/pass_rate']).toBe(0);
  });

  it('records a task that times out as a failed case and goes on', async () => {
    const result = await evaluate({
      name: 'slow',
      experiment: `eval-${randomUUID()}`,
      data: DATASET.slice(0, 2),
      task: async ({ question }: { question: string }) => (question.includes('refund') ? new Promise<string>(() => {}) : agent.ask(question)),
      scorers: [correct],
      timeoutMillis: 300,
      env,
      log: false,
      progress: false,
    });
    expect(result.metrics.failed_runs).toBe(1);
    expect(result.cases.find((c) => c.error)?.error).toContain('did not finish within 300 ms');
  });
});

/** A run's traces and each trace's assessments, as MLflow's Python client lists them. */
async function runTracesFromPython(uri: string, experiment: string, runId: string) {
  return mlflowPython<{ id: string; assessments: { name: string; value: unknown; rationale: string | null; source: string; sourceId: string; error: string | null; created: number }[] }[]>(
    uri,
    `
import json, mlflow
exp = mlflow.get_experiment_by_name("${experiment}")
traces = mlflow.search_traces(locations=[exp.experiment_id], run_id="${runId}", return_type="list", include_spans=False, max_results=5000)
print(json.dumps([{"id": t.info.trace_id, "assessments": [{"name": a.name, "value": a.value, "rationale": getattr(a, "rationale", None),
  "source": a.source.source_type, "sourceId": a.source.source_id, "error": (a.error.error_message if getattr(a, "error", None) else None),
  "created": a.create_time_ms} for a in t.info.assessments]} for t in traces]))
`,
  );
}

describe('llmJudge()', () => {
  it('asks the judge model through the openai client; its verdict is an LLM_JUDGE assessment with its rationale, a malformed answer a scorer error', async () => {
    const judge = await startScriptedOpenAI((request) => {
      const asked = JSON.parse(request.lastUserText ?? '{}') as { output: string; expected: { answer: string } };
      if (asked.output.includes('2 years')) return { text: 'Looks fine to me!' };
      return { text: `{"pass": ${asked.output.includes(asked.expected.answer)}, "rationale": "states ${asked.expected.answer} as the policy says"}` };
    });
    try {
      const experiment = `judge-${randomUUID()}`;
      const result = await evaluate({
        name: 'support-judged',
        experiment,
        data: DATASET.slice(0, 3),
        task: ({ question }: { question: string }) => agent.ask(question),
        scorers: [llmJudge({ client: new OpenAI({ baseURL: judge.baseURL, apiKey: 'test' }), model: 'judge-4.1', criteria: 'States the policy period.' })],
        env,
        log: false,
        progress: false,
      });
      expect(judge.requests).toHaveLength(3);
      for (const request of judge.requests) {
        expect(request).toMatchObject({ api: 'chat_completions', model: 'judge-4.1' });
        expect(request.instructions).toContain('strict evaluator');
        const asked = JSON.parse(request.lastUserText ?? '') as Record<string, unknown>;
        const judged = result.cases.find((c) => c.inputs.question === (asked.input as { question: string }).question);
        expect(asked).toEqual({ criteria: 'States the policy period.', input: judged?.inputs, output: judged?.outputs, expected: judged?.expectations });
      }
      expect(result.metrics).toMatchObject({ 'llm_judge/pass_rate': 1, 'llm_judge/errors': 1 });

      const traces = await runTracesFromPython(trackingUri, experiment, result.runId);
      const judgedOf = (question: string) => {
        const id = `tr-${result.cases.find((c) => c.inputs.question === question)?.traceId.slice(6)}`;
        return traces.find((t) => t.id === id)?.assessments.find((a) => a.name === 'llm_judge');
      };
      expect(judgedOf('What is the refund period?')).toMatchObject({ value: true, rationale: 'states 30 days as the policy says', source: 'LLM_JUDGE', sourceId: 'judge-4.1', error: null });
      const malformed = judgedOf('How long is the warranty?');
      expect(malformed).toMatchObject({ value: null, source: 'LLM_JUDGE', sourceId: 'judge-4.1' });
      expect(malformed?.error).toContain('the judge model did not answer with {"pass": true|false, "rationale": …}: "Looks fine to me!"');
    } finally {
      await judge.close();
    }
  });
});

describe('evaluate() while MLflow goes down', () => {
  let server: MlflowServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('loses nothing: every case\'s trace, its link to the run and its assessments arrive once MLflow is back', { timeout: 240_000 }, async () => {
    server = await startMlflow();
    const direct = MlflowClient.fromEnv({}, { MLFLOW_TRACKING_URI: server.trackingUri });
    const proxy = await startFaultProxy({ upstreamPort: Number(new URL(server.trackingUri).port) });
    const experiment = `outage-${randomUUID()}`;
    const down = (millis: number) => proxy.setMode({ kind: 'refuse' }).then(() => new Promise((resolve) => setTimeout(resolve, millis))).then(() => proxy.setMode({ kind: 'pass' }));
    let firstTrace = '';
    let whileCasesRun: Promise<void> | undefined;
    let whileAssessing: { from: number; to: number } | undefined;
    // The second outage starts as soon as the first assessment is stored, so it cuts the writing of the rest.
    const watchAssessments = (async () => {
      await expect.poll(async () => (await direct.getTraceInfo(firstTrace).catch(() => undefined))?.assessments.length ?? 0, { timeout: 120_000, interval: 50 }).toBeGreaterThan(0);
      const from = Date.now();
      await down(3000);
      whileAssessing = { from, to: Date.now() };
    })();
    try {
      const result = await evaluate({
        name: 'support-outage',
        experiment,
        data: [...DATASET, ...DATASET],
        task: ({ question }: { question: string }) => {
          firstTrace ||= getCurrentTrace()?.traceId.replace(/^trace_/, '') ?? '';
          return agent.ask(question);
        },
        scorers: [correct, usedPolicyOnce],
        concurrency: 2,
        env: { MLFLOW_TRACKING_URI: proxy.url },
        log: false,
        // Down from the third case until 2 s after the last one; then slow (each answer held back
        // 300 ms), so the assessments are still being written when the second outage starts.
        progress: ({ done, total }) => {
          if (done === 2) whileCasesRun = proxy.setMode({ kind: 'refuse' });
          if (done === total) {
            void whileCasesRun?.then(() => new Promise((resolve) => setTimeout(resolve, 2000))).then(() => proxy.setMode({ kind: 'delay', millis: 300 }));
          }
        },
      });
      await watchAssessments;
      expect(result.cases).toHaveLength(12);
      expect(result.metrics).toMatchObject({ cases: 12, failed_runs: 0, 'correct/pass_rate': 1, 'used_policy_once/pass_rate': 1 });

      const run = await direct.getRun(result.runId);
      expect(run.info.status).toBe('FINISHED');
      expect(run.metrics).toEqual(result.metrics);
      const traces = await runTracesFromPython(server.trackingUri, experiment, result.runId);
      expect(traces.map((t) => t.id).sort()).toEqual(result.cases.map((c) => `tr-${c.traceId.slice(6)}`).sort());
      for (const trace of traces) {
        expect(trace.assessments.map((a) => a.name).sort()).toEqual(['answer', 'correct', 'used_policy_once']);
      }
      // The assessments were being written when MLflow went away the second time: some before, the rest after.
      const created = traces.flatMap((t) => t.assessments.map((a) => a.created));
      expect(created.filter((t) => t < (whileAssessing as { from: number }).from).length).toBeGreaterThan(0);
      expect(created.filter((t) => t >= (whileAssessing as { to: number }).to).length).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});
