import { ExportResultCode } from '@opentelemetry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOtlpSpanExporter, type OtlpExporterOptions } from '../src/index.js';
import { countContaining, exportAsync } from './support/export.js';
import { startGrpcCollector } from './support/grpc-collector.js';
import { closedPort, startHttpCollector, type HttpCollector, type HttpCollectorOptions } from './support/http-collector.js';
import { CapturingLogger } from './support/logger.js';
import { makeSpans } from './support/spans.js';
import { fixture } from './support/tls.js';

const SECRET = 'Bearer http-secret-0123456789';
const FAST_RETRIES = { initialDelayMillis: 20, maxDelayMillis: 100, maxElapsedMillis: 2_000 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function collector(options: HttpCollectorOptions = {}): Promise<HttpCollector> {
  const started = await startHttpCollector(options);
  cleanups.push(started.stop);
  return started;
}

function exporterFor(options: OtlpExporterOptions, env: Record<string, string> = {}) {
  const logger = new CapturingLogger();
  const exporter = createOtlpSpanExporter({ retry: FAST_RETRIES, logger, ...options }, env);
  cleanups.push(() => exporter.shutdown());
  return { exporter, logger };
}

describe('HTTP exporter against a loopback collector', () => {
  it('sends protobuf to the generic endpoint plus /v1/traces, with the headers from the variables', async () => {
    const server = await collector();
    const { exporter } = exporterFor({}, {
      OTEL_EXPORTER_OTLP_ENDPOINT: server.origin,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme%20corp',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    });

    expect((await exportAsync(exporter, makeSpans(2, 'proto'))).code).toBe(ExportResultCode.SUCCESS);

    const [request] = server.requests;
    expect(request).toMatchObject({ path: '/v1/traces' });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
      'x-tenant': 'acme corp',
    });
    expect(countContaining([request!.body], 'proto-1')).toBe(1);
  });

  it('sends each header once, as resolved, whatever the process environment holds', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'Authorization=from-process-env,x%20bad=1');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http://127.0.0.1:1/v1/traces');
    const server = await collector();
    const { exporter } = exporterFor({ endpoint: `${server.origin}/v1/traces`, headers: { authorization: 'from-option' } });

    expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);

    const { rawHeaders } = server.requests[0]!;
    const authorization = rawHeaders.filter((_, i) => i % 2 === 0 && rawHeaders[i]!.toLowerCase() === 'authorization');
    expect(authorization).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBe('from-option');
    expect(rawHeaders.join()).not.toContain('from-process-env');
  });

  it('sends JSON with protocol http/json', async () => {
    const server = await collector();
    const { exporter } = exporterFor({ protocol: 'http/json', endpoint: `${server.origin}/v1/traces` });
    const spans = makeSpans(2, 'json');

    expect((await exportAsync(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);

    const [request] = server.requests;
    expect(request!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request!.body.toString()) as { resourceSpans: { scopeSpans: { spans: { name: string; traceId: string }[] }[] }[] };
    const sent = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(sent.map((span) => span.name).sort()).toEqual(['json-0', 'json-1']);
    expect(sent[0]!.traceId).toBe(spans[0]!.spanContext().traceId);
  });

  it('reports a 500 once for many batches, with the start of the body, and does not retry it', async () => {
    const server = await collector({ answers: Array(3).fill({ status: 500, body: 'storage is read-only' }) });
    const { exporter, logger } = exporterFor({ endpoint: `${server.origin}/v1/traces` });

    for (let i = 0; i < 3; i++) expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.FAILED);

    expect(server.requests).toHaveLength(3);
    expect(logger.warnings).toEqual([
      `the OTLP endpoint ${server.origin}/v1/traces rejected the spans (500 Internal Server Error: storage is read-only).`,
    ]);
    expect(exporter.getStats()).toMatchObject({ failedSpans: 3, retriedSpans: 0, lastError: { kind: 'rejected', status: 500 } });
  });

  it('reports a 401 once, pointing at OTEL_EXPORTER_OTLP_HEADERS, and never shows the credential', async () => {
    const server = await collector({ answers: Array(2).fill({ status: 401, body: `token ${SECRET} is revoked` }) });
    const failures: unknown[] = [];
    const { exporter, logger } = exporterFor(
      { onError: (failure) => failures.push(failure) },
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${server.origin}/v1/traces`, OTEL_EXPORTER_OTLP_HEADERS: `Authorization=${encodeURIComponent(SECRET)}` },
    );

    const results = [await exportAsync(exporter, makeSpans(1)), await exportAsync(exporter, makeSpans(1))];

    expect(server.requests[0]!.headers.authorization).toBe(SECRET);
    expect(logger.warnings).toEqual([
      `the OTLP endpoint ${server.origin}/v1/traces refused the credentials (401 Unauthorized: token [REDACTED] is ` +
        'revoked): check OTEL_EXPORTER_OTLP_HEADERS. Headers sent: Authorization=[REDACTED].',
    ]);
    expect(failures).toHaveLength(2);
    // What a span processor would log for each failed batch.
    for (const { error } of results) {
      expect(error).toMatchObject({ name: 'OtlpExportError', kind: 'unauthorized', retryable: false });
      const logged = JSON.stringify(Object.fromEntries(Object.getOwnPropertyNames(error).map((key) => [key, String((error as never)[key])])));
      expect(logged).not.toContain('http-secret');
    }
    expect(logger.all).not.toContain('http-secret');
  });

  it('says a closed port is not reachable, once', async () => {
    const port = await closedPort();
    const { exporter, logger } = exporterFor({
      endpoint: `http://127.0.0.1:${port}/v1/traces`,
      timeoutMillis: 500,
      retry: { ...FAST_RETRIES, maxElapsedMillis: 200 },
    });

    for (let i = 0; i < 2; i++) expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.FAILED);

    expect(logger.warnings).toEqual([
      `could not reach the OTLP endpoint http://127.0.0.1:${port}/v1/traces (connection refused): is the collector ` +
        'running and listening on that port? The endpoint comes from the endpoint option. Retrying for up to 0.2 s.',
    ]);
  });

  it('delivers once across an outage longer than the HTTP exporter’s own retries', async () => {
    const port = await closedPort();
    const timeoutMillis = 1_000; // the upstream exporter retries only within one timeout
    const outage = 2_500;
    const withoutWrapper = exporterFor({ endpoint: `http://127.0.0.1:${port}/v1/traces`, timeoutMillis, retry: false });
    const withWrapper = exporterFor({ endpoint: `http://127.0.0.1:${port}/v1/traces`, timeoutMillis, retry: { maxElapsedMillis: 10_000 } });

    const unwrapped = exportAsync(withoutWrapper.exporter, makeSpans(1, 'unwrapped'));
    const wrapped = exportAsync(withWrapper.exporter, makeSpans(1, 'wrapped'));
    await new Promise((resolve) => setTimeout(resolve, outage));
    const server = await collector({ port });

    expect((await unwrapped).code).toBe(ExportResultCode.FAILED);
    expect((await wrapped).code).toBe(ExportResultCode.SUCCESS);
    expect(countContaining(server.requests.map((request) => request.body), 'wrapped-0')).toBe(1);
    expect(countContaining(server.requests.map((request) => request.body), 'unwrapped-0')).toBe(0);
  }, 20_000);

  it('suggests /v1/traces when the endpoint given as is lacks it', async () => {
    const server = await collector({ answers: [{ status: 404, body: '404 page not found' }] });
    const { logger } = await exportOnceWith({ endpoint: server.origin });
    expect(logger.warnings[0]).toContain(`Did you mean ${server.origin}/v1/traces?`);
  });

  it('says the server does not speak TLS when an https endpoint meets a plaintext collector', async () => {
    const server = await collector();
    const httpsEndpoint = `https://127.0.0.1:${server.port}/v1/traces`;
    const { result, logger } = await exportOnceWith({ endpoint: httpsEndpoint });
    expect(result.error).toMatchObject({ kind: 'tls-mismatch', retryable: false });
    expect(logger.warnings).toEqual([
      `the TLS handshake with the OTLP endpoint ${httpsEndpoint} failed (TLS: wrong version number): the server ` +
        `does not seem to speak TLS. For a plaintext collector write http://127.0.0.1:${server.port}/v1/traces.`,
    ]);
  });

  it('suggests https:// when a plaintext request reaches a TLS collector', async () => {
    const server = await collector({ tls: { key: fixture('server.key'), cert: fixture('server.crt') } });
    const { result, logger } = await exportOnceWith({
      endpoint: `http://127.0.0.1:${server.port}/v1/traces`,
      timeoutMillis: 500,
      retry: { ...FAST_RETRIES, maxElapsedMillis: 100 },
    });
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(logger.warnings[0]).toContain(`If the collector only accepts TLS, write https://127.0.0.1:${server.port}/v1/traces.`);
  });

  it('exports over TLS with the CA given as an option', async () => {
    const server = await collector({ tls: { key: fixture('server.key'), cert: fixture('server.crt') } });
    const { result } = await exportOnceWith({ endpoint: `https://localhost:${server.port}/v1/traces`, certificate: fixture('ca.crt') });
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(server.requests).toHaveLength(1);
  });

  it('says so when the endpoint is a gRPC port', async () => {
    const grpcServer = await startGrpcCollector();
    cleanups.push(grpcServer.stop);
    const { logger } = await exportOnceWith({ endpoint: `http://127.0.0.1:${grpcServer.port}/v1/traces` });
    expect(logger.warnings[0]).toContain('is it the gRPC port?');
  });

  async function exportOnceWith(options: OtlpExporterOptions) {
    const { exporter, logger } = exporterFor(options);
    const result = await exportAsync(exporter, makeSpans(1));
    return { result, logger, exporter };
  }
});
