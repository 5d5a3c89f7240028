/**
 * Feedback over OTLP into a real Jaeger: logged from a separate process after the run, with only
 * the trace id and OTEL_EXPORTER_OTLP_* variables, it reads back from Jaeger's query API inside the
 * judged trace as a `gen_ai.evaluation.result` (name, score, label, explanation), parented to the
 * judged span or the trace's workflow span, and a search by its tag finds the trace.
 */
import { setTracingDisabled } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startScript } from './support/delivery-child.js';
import { startPolicyAgent, type PolicyAgent } from './support/policy-agent.js';

interface JaegerSpan {
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
  logs: { fields: { key: string; value: unknown }[] }[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const jaeger = inject('jaeger');
const SERVICE = `feedback-agent-${process.pid}`;
let agent: PolicyAgent;

beforeAll(async () => {
  setTracingDisabled(false);
  agent = await startPolicyAgent();
});
afterAll(async () => {
  await agent?.close();
});

async function readTrace(hex: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${jaeger.queryUrl}/api/traces/${hex}`);
  if (response.status === 404) return undefined;
  return ((await response.json()) as { data: JaegerTrace[] }).data[0];
}

const fields = (entries: { key: string; value: unknown }[]): Record<string, unknown> =>
  Object.fromEntries(entries.map(({ key, value }) => [key, value]));

function logFromChild(traceId: string, feedback: object, env: NodeJS.ProcessEnv) {
  const child = startScript('./feedback-child.ts', [traceId, JSON.stringify(feedback)], { env });
  return child.waitFor(/^logged (.*)$/m, 60_000).then(([, json]) => JSON.parse(String(json)) as { evaluationSpanId: string; traceId: string });
}

describe('feedback over OTLP', () => {
  it('lands in the judged trace in Jaeger as a gen_ai.evaluation.result, from another process, long after the run', { timeout: 120_000 }, async () => {
    const traceId = await agent.askTraced('What is the refund period?', {
      serviceName: SERVICE,
      otlp: { protocol: 'http/protobuf', endpoint: `${jaeger.otlpHttpUrl}/v1/traces` },
      env: {},
    });
    const hex = traceId.slice('trace_'.length);
    await expect.poll(async () => (await readTrace(hex))?.spans.length ?? 0, { timeout: 30_000, interval: 250 }).toBeGreaterThan(3);
    const run = (await readTrace(hex)) as JaegerTrace;
    const root = run.spans.find((s) => s.references.length === 0) as JaegerSpan;
    const tool = run.spans.find((s) => s.operationName === 'execute_tool lookup_policy') as JaegerSpan;
    expect(root.operationName).toBe('Support question');
    expect(tool).toBeDefined();

    // The reviewer's process: nothing but the trace id and the standard variables (gRPC here).
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpGrpcUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_SERVICE_NAME: 'support-review', MLFLOW_TRACKING_URI: '' };
    const [onTrace, onTool] = await Promise.all([
      logFromChild(traceId, { name: 'user_satisfied', value: false, rationale: 'wanted store credit', source: 'alice' }, env),
      logFromChild(traceId, { name: 'lookup_relevance', value: 0.75, rationale: 'right policy, wrong region', source: { type: 'LLM_JUDGE', id: 'gpt-4.1' }, spanId: tool.spanID }, env),
    ]);
    expect(onTrace.traceId).toBe(hex);
    expect(onTrace.evaluationSpanId).toMatch(/^[0-9a-f]{16}$/);

    await expect.poll(async () => (await readTrace(hex))?.spans.length ?? 0, { timeout: 30_000, interval: 250 }).toBe(run.spans.length + 2);
    const judged = (await readTrace(hex)) as JaegerTrace;
    const evaluation = (id: string) => judged.spans.find((s) => s.spanID === id) as JaegerSpan;
    const results = [
      [evaluation(onTrace.evaluationSpanId), root.spanID],
      [evaluation(onTool.evaluationSpanId), tool.spanID],
    ] as const;
    for (const [span, parent] of results) {
      expect(span.references).toEqual([{ refType: 'CHILD_OF', traceID: hex, spanID: parent }]);
      expect(judged.processes[span.processID]?.serviceName).toBe('support-review');
      expect(span.logs.map((log) => fields(log.fields).event)).toEqual(['gen_ai.evaluation.result']);
    }
    const [trace, toolResult] = results.map(([span]) => span);
    expect(fields(trace!.logs[0]!.fields)).toMatchObject({
      'gen_ai.evaluation.name': 'user_satisfied',
      'gen_ai.evaluation.score.value': 0,
      'gen_ai.evaluation.score.label': 'false',
      'gen_ai.evaluation.explanation': 'wanted store credit',
    });
    expect(fields(trace!.tags)).toMatchObject({ 'gen_ai.evaluation.name': 'user_satisfied', 'openai.agents.evaluation.source.id': 'alice' });
    expect(fields(toolResult!.logs[0]!.fields)).toMatchObject({
      'gen_ai.evaluation.name': 'lookup_relevance',
      'gen_ai.evaluation.score.value': 0.75,
      'gen_ai.evaluation.explanation': 'right policy, wrong region',
    });
    expect(fields(toolResult!.tags)).toMatchObject({ 'openai.agents.evaluation.source.type': 'LLM_JUDGE' });

    // Jaeger's search by tag finds the judged trace.
    const search = new URL(`${jaeger.queryUrl}/api/traces`);
    search.searchParams.set('service', 'support-review');
    search.searchParams.set('tags', JSON.stringify({ 'gen_ai.evaluation.name': 'user_satisfied' }));
    search.searchParams.set('lookback', '1h');
    const found = ((await (await fetch(search)).json()) as { data: JaegerTrace[] }).data.map((t) => t.traceID);
    expect(found).toContain(hex);
  });

  it('says what to set when neither MLflow nor an OTLP endpoint is configured', async () => {
    const { logFeedback, NoAssessmentBackendError } = await import('@agents-tracing/evaluation');
    const failure = logFeedback('trace_' + 'ab'.repeat(16), { name: 'x', value: 1 }, { env: {} });
    await expect(failure).rejects.toThrow(/set MLFLOW_TRACKING_URI for MLflow, OTEL_EXPORTER_OTLP_ENDPOINT for an OTLP backend/);
    await expect(failure).rejects.toBeInstanceOf(NoAssessmentBackendError);
  });
});
