/**
 * Feedback over OTLP on a bad day, against a real Jaeger behind a misbehaving proxy: a collector
 * that is down (OTLP/HTTP and gRPC), answers 503 for a while or 500 at once, is too slow, or is a
 * web page and not a collector. Each failure says what to do, without a stack trace or a header value; a collector
 * that comes back gets the feedback exactly once. When MLflow takes the feedback and the collector
 * does not (or the other way round), the error says which backend has it, and the advice it gives
 * stores it in the other without a duplicate.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTracingDisabled } from '@openai/agents';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { getAssessments, logFeedback, OtlpFeedbackError, type FeedbackOptions } from '@agents-tracing/evaluation';
import { MlflowError } from '@agents-tracing/exporter-mlflow';
import { walkSpanTree } from '@agents-tracing/processor';
import { readJaegerTrace } from '@agents-tracing/testing';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { startPolicyAgent, type PolicyAgent } from './support/policy-agent.js';

const jaeger = inject('jaeger');
const { trackingUri } = inject('mlflow');
const TOKEN = `sk-feedback-${randomUUID()}`;
const port = (url: string) => Number(new URL(url).port);

let agent: PolicyAgent;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  setTracingDisabled(false);
  agent = await startPolicyAgent();
});
afterAll(async () => {
  await agent?.close();
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

async function proxyTo(url: string, mode: Parameters<typeof startFaultProxy>[0]['mode']): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ upstreamPort: port(url), mode, lifetimeMs: 120_000 });
  proxies.push(proxy);
  return proxy;
}

const newTraceId = () => `trace_${randomBytes(16).toString('hex')}`;

/** What a review tool's process has: the standard OTLP variables with an auth header, no MLflow. */
function otlpEnv(endpoint: string, protocol: 'http/protobuf' | 'grpc' = 'http/protobuf', extra: Record<string, string> = {}) {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${TOKEN}`, ...extra };
}

async function failure(traceId: string, options: FeedbackOptions): Promise<Error> {
  const error = await logFeedback(traceId, { name: 'helpful', value: true, source: 'alice' }, options).then(
    () => undefined,
    (reason: unknown) => reason as Error,
  );
  expect(error, 'logFeedback should have failed').toBeInstanceOf(Error);
  // Something a person can act on: no stack, no credential.
  expect(error!.message).not.toMatch(/\n\s+at /);
  expect(error!.message).not.toContain(TOKEN);
  return error!;
}

/** The names of the spans Jaeger holds for the trace once nothing new arrived for a moment. */
async function spanNamesInJaeger(traceId: string): Promise<string[]> {
  const read = await readJaegerTrace(jaeger.queryUrl, traceId.slice('trace_'.length), { timeoutMs: 30_000, settle: 500 });
  return [...walkSpanTree(read.roots)].map(({ node }) => node.name);
}

describe('feedback over OTLP when the collector misbehaves', () => {
  it('a collector that is down: OTLP/HTTP and gRPC each say to check that it runs', async () => {
    const down = await proxyTo(jaeger.otlpHttpUrl, { kind: 'refuse' });
    const http = await failure(newTraceId(), { env: otlpEnv(down.url), retryForMillis: 1_000 });
    expect(http).toBeInstanceOf(OtlpFeedbackError);
    expect(http.message).toMatch(/^feedback "helpful" on trace [0-9a-f]{32} was not sent over OTLP: could not reach the OTLP endpoint .*\(connection refused\): is the collector running/);

    const grpcDown = await proxyTo(jaeger.otlpGrpcUrl, { kind: 'refuse' });
    const grpc = await failure(newTraceId(), { env: otlpEnv(grpcDown.url, 'grpc'), retryForMillis: 1_000 });
    expect(grpc).toBeInstanceOf(OtlpFeedbackError);
    expect(grpc.message).toMatch(/was not sent over OTLP: could not reach the OTLP endpoint .*\(connection refused\): is the collector running/);
  });

  it('a collector that answers 503 for a while: the feedback lands once it recovers, exactly once', async () => {
    const flaky = await proxyTo(jaeger.otlpHttpUrl, { kind: 'status', status: 503 });
    const traceId = newTraceId();
    const logged = logFeedback(traceId, { name: 'helpful', value: true, source: 'alice' }, { env: otlpEnv(flaky.url), retryForMillis: 60_000 });
    await expect.poll(() => flaky.accepted, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(2);
    await flaky.setMode({ kind: 'pass' });
    const { evaluationSpanId } = await logged;
    expect(evaluationSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(await spanNamesInJaeger(traceId)).toEqual(['evaluation helpful']);
  });

  it('a collector that answers 500: not retried (OTLP calls 500 final), the error says it was rejected', async () => {
    const broken = await proxyTo(jaeger.otlpHttpUrl, { kind: 'status', status: 500 });
    const error = await failure(newTraceId(), { env: otlpEnv(broken.url), retryForMillis: 60_000 });
    expect(error).toBeInstanceOf(OtlpFeedbackError);
    expect(error.message).toMatch(/was not sent over OTLP: the OTLP endpoint .* rejected the spans \(.*500/);
    expect(broken.accepted).toBe(1);
  });

  it('a collector too slow to answer: the error names the timeout and the setting that raises it', async () => {
    const slow = await proxyTo(jaeger.otlpHttpUrl, { kind: 'delay', millis: 5_000 });
    const error = await failure(newTraceId(), { env: otlpEnv(slow.url, 'http/protobuf', { OTEL_EXPORTER_OTLP_TIMEOUT: '300' }), retryForMillis: 1_000 });
    expect(error).toBeInstanceOf(OtlpFeedbackError);
    expect(error.message).toMatch(/did not answer within 300 ms .*raise OTEL_EXPORTER_OTLP_TIMEOUT/);
  });

  it('a web page where the collector was expected (Jaeger’s UI port): says it is not an OTLP collector', async () => {
    const error = await failure(newTraceId(), { env: otlpEnv(jaeger.queryUrl), retryForMillis: 1_000 });
    expect(error).toBeInstanceOf(OtlpFeedbackError);
    expect(error.message).toMatch(/was not sent over OTLP: an HTML page answered at .*\/v1\/traces .*an OTLP\/HTTP collector answers with/);
  });
});

describe('feedback to MLflow and over OTLP when only one of them takes it', () => {
  const tracedRun = () => agent.askTraced('What is the refund period?', { mlflow: { trackingUri, experimentName: `partial-${randomUUID()}` }, env: {} });
  const helpful = async (traceId: string) => (await getAssessments(traceId, { env: { MLFLOW_TRACKING_URI: trackingUri } })).filter((a) => a.name === 'helpful');

  it('MLflow took it, the collector is down: the error gives the assessment id, and the advice sends it over OTLP without a second one in MLflow', async () => {
    const traceId = await tracedRun();
    const down = await proxyTo(jaeger.otlpHttpUrl, { kind: 'refuse' });
    const options = { env: otlpEnv(down.url, 'http/protobuf', { MLFLOW_TRACKING_URI: trackingUri }), retryForMillis: 1_000 };
    const error = await failure(traceId, options);
    expect(error).toBeInstanceOf(OtlpFeedbackError);
    const stored = await helpful(traceId);
    expect(stored).toHaveLength(1);
    expect(error.message).toContain(`It is stored in MLflow as assessment ${stored[0]!.assessmentId}: to send it over OTLP alone, log it again with \`mlflow: false\``);

    // The collector is back; the advice followed.
    await down.setMode({ kind: 'pass' });
    const resent = await logFeedback(traceId, { name: 'helpful', value: true, source: 'alice' }, { ...options, mlflow: false });
    expect(resent.evaluationSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(await helpful(traceId)).toHaveLength(1);
    expect((await spanNamesInJaeger(traceId)).filter((name) => name === 'evaluation helpful')).toHaveLength(1);
  });

  it('the collector took it, MLflow is down: the error gives the evaluation span, and the advice stores it in MLflow without a second one in the trace', async () => {
    const traceId = await tracedRun();
    const mlflowDown = await proxyTo(trackingUri, { kind: 'refuse' });
    const env = otlpEnv(jaeger.otlpHttpUrl, 'http/protobuf', { MLFLOW_TRACKING_URI: mlflowDown.url });
    const error = await failure(traceId, { env, retryForMillis: 1_000 });
    expect(error).toBeInstanceOf(MlflowError);
    expect(error.message).toMatch(/could not reach MLflow at .* It was sent over OTLP as evaluation span [0-9a-f]{16}: to store it in MLflow alone, log it again with `otlp: false`/);

    await mlflowDown.setMode({ kind: 'pass' });
    await logFeedback(traceId, { name: 'helpful', value: true, source: 'alice' }, { env, otlp: false });
    expect(await helpful(traceId)).toHaveLength(1);
    expect((await spanNamesInJaeger(traceId)).filter((name) => name === 'evaluation helpful')).toHaveLength(1);
  });
});
