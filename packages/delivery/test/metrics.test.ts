import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { createAgentSpan, createResponseSpan, createTaskSpan, getGlobalTraceProvider, setTracingDisabled } from '@openai/agents-core';
import { resolveMetricsConfig } from '../src/metrics/metrics-config.js';
import { setupAgentTracing, type AgentTracing } from '../src/setup-agent-tracing.js';

describe('metrics settings from the standard variables', () => {
  it('is off without an endpoint, and with OTEL_METRICS_EXPORTER=none', () => {
    expect(resolveMetricsConfig({})).toEqual({ off: true });
    expect(resolveMetricsConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRICS_EXPORTER: 'none' })).toEqual({ off: true });
  });

  it('appends /v1/metrics to the generic endpoint and takes the metrics endpoint as given', () => {
    expect(resolveMetricsConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toMatchObject({ url: 'http://c:4318/v1/metrics' });
    expect(
      resolveMetricsConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://p:9090/api/v1/otlp/v1/metrics' }),
    ).toMatchObject({ url: 'http://p:9090/api/v1/otlp/v1/metrics' });
  });

  it('reads headers, timeout, compression, temporality and the export interval, metrics-specific first', () => {
    const config = resolveMetricsConfig({
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://p:9090/m',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'authorization=Bearer%20t0ken,x-tenant=acme',
      OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
    });
    expect(config).toMatchObject({
      headers: { authorization: 'Bearer t0ken', 'x-tenant': 'acme' },
      timeoutMillis: 2500,
      compression: 'gzip',
      temporality: 'delta',
      exportIntervalMillis: 5000,
      exportTimeoutMillis: 30000,
      protocol: 'http/protobuf',
    });
  });

  it('says what to change for settings that cannot work', () => {
    const grpc = resolveMetricsConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(grpc).toMatchObject({ off: true, problem: expect.stringContaining('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/protobuf') });
    expect(resolveMetricsConfig({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'not a url' })).toMatchObject({ off: true, problem: expect.stringContaining('not a URL') });
    expect(resolveMetricsConfig({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://p/m', OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sometimes' })).toMatchObject({
      off: true,
      problem: expect.stringContaining('cumulative, delta or lowmemory'),
    });
  });
});

interface Received {
  headers: IncomingMessage['headers'];
  body: { resourceMetrics?: Array<{ scopeMetrics: Array<{ metrics: Array<Record<string, any>> }> }> };
}

/** An OTLP/HTTP endpoint that keeps what it is sent and answers as told. */
async function collector(answer: (res: import('node:http').ServerResponse) => void = (res) => res.end('{}')) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body: text.startsWith('{') ? JSON.parse(text) : {} });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let tracing: AgentTracing | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  await close?.();
  metrics.disable();
  tracing = undefined;
  close = undefined;
});

/** One run with one model call, through the SDK's own span objects. */
async function oneRun(): Promise<void> {
  setTracingDisabled(false);
  const trace = getGlobalTraceProvider().createTrace({ name: 'Metrics' });
  await trace.start();
  const task = createTaskSpan({ data: { name: 'Agent workflow' } }, trace);
  task.start();
  const agent = createAgentSpan({ data: { name: 'Helper' } }, task);
  agent.start();
  const response = createResponseSpan({}, agent);
  response.start();
  response.spanData._response = { id: 'r', model: 'gpt-x', output: [], usage: { input_tokens: 12, output_tokens: 3 } } as never;
  response.end();
  agent.end();
  task.end();
  await trace.end();
}

const metricNamed = (received: Received[], name: string) =>
  received.flatMap((r) => r.body.resourceMetrics ?? []).flatMap((r) => r.scopeMetrics).flatMap((s) => s.metrics).find((m) => m.name === name);

/** A set-up with no trace output, started against `backend` (kept for closing after the test). */
async function setUp(backend: { close: () => Promise<void> } | undefined, options: Parameters<typeof setupAgentTracing>[0]): Promise<AgentTracing> {
  close = backend?.close;
  tracing = await setupAgentTracing({ printTrees: false, file: false, registerGlobal: false, ...options });
  return tracing;
}

describe('setupAgentTracing() metrics', () => {
  it('exports over OTLP/HTTP with the headers and the temporality the variables ask for, on flush', async () => {
    const backend = await collector();
    const t = await setUp(backend, {
      env: {
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: backend.url,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-tenant=acme',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
        OTEL_METRIC_EXPORT_INTERVAL: '3600000',
      },
    });
    await oneRun();
    await t.forceFlush();
    expect(backend.received[0]?.headers['x-tenant']).toBe('acme');
    const usage = metricNamed(backend.received, 'gen_ai.client.token.usage');
    // 1 = DELTA in OTLP's AggregationTemporality.
    expect(usage?.histogram?.aggregationTemporality).toBe(1);
    expect(usage?.histogram?.dataPoints.map((p: { sum: number }) => p.sum).sort()).toEqual([12, 3].sort());
    expect(metricNamed(backend.received, 'gen_ai.client.inference.usage.input_tokens')?.sum?.aggregationTemporality).toBe(1);
  });

  it('is cumulative by default', async () => {
    const backend = await collector();
    const t = await setUp(backend, { env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: backend.url, OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json' } });
    await oneRun();
    await t.forceFlush();
    expect(metricNamed(backend.received, 'gen_ai.client.token.usage')?.histogram?.aggregationTemporality).toBe(2);
  });

  it.each([
    ['answers 500', (res: import('node:http').ServerResponse) => res.writeHead(500).end('boom')],
    ['answers an HTML page', (res: import('node:http').ServerResponse) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>')],
  ])('a backend that %s is told once, without a stack trace, and never fails the run', async (_, answer) => {
    const backend = await collector(answer);
    const warnings: string[] = [];
    const t = await setUp(backend, {
      logger: { warn: (m) => warnings.push(m), info: () => {} },
      delivery: { flushTimeoutMillis: 1_500 },
      env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: backend.url, OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '500' },
    });
    await oneRun();
    await t.forceFlush();
    await oneRun();
    await t.forceFlush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`metrics could not be sent to ${backend.url}`);
    expect(warnings[0]).not.toMatch(/\n\s+at /);
  });

  it('is left to the app with metrics: false or its own meter provider', async () => {
    const backend = await collector();
    const t = await setUp(backend, { metrics: false, env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: backend.url } });
    expect(t.meterProvider).toBeUndefined();
    await oneRun();
    await t.forceFlush();
    expect(backend.received).toEqual([]);
  });

  it('tells a setting that cannot work, and runs without metrics', async () => {
    const warnings: string[] = [];
    const t = await setUp(undefined, {
      logger: { warn: (m) => warnings.push(m), info: () => {} },
      env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc' },
    });
    expect(t.meterProvider).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('metrics are not exported: metrics are sent over OTLP/HTTP only')]);
  });
});
