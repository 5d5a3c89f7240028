/**
 * setupAgentTracing() tells problems on stderr by default (once per condition, with what to do),
 * is silent with `logger: false`, and starts without an exporter it cannot set up.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setupAgentTracing, type AgentTracing } from '../src/index.js';

let stderr: string[];
const started: AgentTracing[] = [];

beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((tracing) => tracing.shutdown()));
  vi.restoreAllMocks();
});

async function setUp(...args: Parameters<typeof setupAgentTracing>): Promise<AgentTracing> {
  const tracing = await setupAgentTracing({ exitHooks: false, registerGlobal: false, file: false, printTrees: false, ...args[0] });
  started.push(tracing);
  return tracing;
}

describe('setupAgentTracing reports', () => {
  it('an endpoint without a scheme: the app starts, without that exporter, and stderr says why and what to do', async () => {
    const tracing = await setUp({ otlp: { endpoint: 'localhost:4318/v1/traces' } });
    expect(tracing.exporters).toEqual([]);
    const said = stderr.join('');
    expect(said).toMatch(/^agents-tracing: otlp: OTLP endpoint "localhost:4318\/v1\/traces" \(from the endpoint option\) is not an http:\/\/ or https:\/\/ URL \(for example http:\/\/localhost:4318\/v1\/traces\)\. Tracing goes on without this exporter \(strict: true makes this an error\)\.\n$/);
  });

  it('an MLflow tracking URI it cannot use, likewise, and the other exporter still works', async () => {
    const tracing = await setUp({ otlp: { endpoint: 'http://127.0.0.1:1/v1/traces' }, mlflow: { trackingUri: 'mlflow.internal:5000' } });
    expect(tracing.exporters).toHaveLength(1);
    expect(stderr.join('')).toMatch(/^agents-tracing: mlflow: the trackingUri option uses "mlflow\.internal:".* Tracing goes on without this exporter/);
  });

  it('rejects instead with strict: true', async () => {
    await expect(setupAgentTracing({ otlp: { endpoint: 'localhost:4318' }, strict: true, exitHooks: false, registerGlobal: false })).rejects.toThrow(/is not an http:\/\/ or https:\/\/ URL/);
  });

  it('an unknown OTEL_EXPORTER_OTLP_PROTOCOL warns, and the default protocol is used', async () => {
    const tracing = await setUp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuff' } });
    expect(tracing.exporters).toHaveLength(1);
    expect(stderr.join('')).toBe('agents-tracing: otlp: OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuff" was ignored: expected grpc, http/protobuf, http/json.\n');
  });

  it('says nothing at all with logger: false', async () => {
    await setUp({ logger: false, otlp: { endpoint: 'localhost:4318' }, env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'soap' } });
    expect(stderr).toEqual([]);
  });

  it('tells an outage once, with the fix, and the loss at shutdown once', async () => {
    const tracing = await setUp({ otlp: { endpoint: 'http://127.0.0.1:1/v1/traces' }, delivery: { scheduledDelayMillis: 1, initialRetryDelayMillis: 5, maxRetryDelayMillis: 10, flushTimeoutMillis: 300 } });
    const tracer = tracing.tracerProvider.getTracer('t');
    for (let i = 0; i < 3; i++) tracer.startSpan(`s${i}`).end();
    await tracing.forceFlush();
    await tracing.shutdown();
    const lines = stderr.join('').trimEnd().split('\n');
    expect(lines.filter((l) => /connection refused/.test(l))).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents-tracing: otlp: export failed \(could not reach the OTLP endpoint http:\/\/127\.0\.0\.1:1\/v1\/traces \(connection refused\): is the collector running and listening on that port\?.*\); retrying with backoff/);
    expect(lines.at(-1)).toMatch(/^agents-tracing: otlp: (3 spans could not be delivered before shutdown and are lost|3 spans were being sent when shutdown ended and are not confirmed)/);
    expect(tracing.stats()).toMatchObject({ exported: 0, pending: 0 });
    expect(tracing.stats().dropped + tracing.stats().unconfirmed).toBe(3);
  });
});
