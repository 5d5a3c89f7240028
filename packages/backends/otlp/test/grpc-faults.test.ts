import * as grpc from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOtlpSpanExporter, type OtlpExporterOptions, type OtlpSpanExporter } from '../src/index.js';
import { countContaining, exportAsync } from './support/export.js';
import { startGrpcCollector, type GrpcCollector } from './support/grpc-collector.js';
import { closedPort } from './support/http-collector.js';
import { CapturingLogger } from './support/logger.js';
import { makeSpans } from './support/spans.js';
import { fixture, fixturePath } from './support/tls.js';

const SECRET = 'Bearer grpc-secret-0123456789';
const FAST_RETRIES = { initialDelayMillis: 20, maxDelayMillis: 100, maxElapsedMillis: 2_000 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function collector(options: Parameters<typeof startGrpcCollector>[0] = {}): Promise<GrpcCollector> {
  const started = await startGrpcCollector(options);
  cleanups.push(started.stop);
  return started;
}

function exporterFor(options: OtlpExporterOptions, env: Record<string, string> = {}) {
  const logger = new CapturingLogger();
  const exporter = createOtlpSpanExporter({ protocol: 'grpc', retry: FAST_RETRIES, logger, ...options }, env);
  cleanups.push(() => exporter.shutdown());
  return { exporter, logger };
}

async function exportBatches(exporter: OtlpSpanExporter, count: number) {
  const results = [];
  for (let i = 0; i < count; i++) results.push(await exportAsync(exporter, makeSpans(2, `batch${i}`)));
  return results;
}

describe('gRPC exporter against a loopback collector', () => {
  it('retries UNAVAILABLE twice and delivers the batch exactly once', async () => {
    const server = await collector({ answers: [grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE] });
    const { exporter, logger } = exporterFor({ endpoint: `http://127.0.0.1:${server.port}` });

    const result = await exportAsync(exporter, makeSpans(3, 'retried'));

    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(server.requests).toHaveLength(3);
    expect(server.accepted).toHaveLength(1);
    expect(countContaining(server.accepted, 'retried-2')).toBe(1);
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 3, retriedSpans: 6, failedSpans: 0 });
    expect(logger.warnings).toEqual([
      `the OTLP endpoint http://127.0.0.1:${server.port} is unavailable (UNAVAILABLE: test collector answers ` +
        'UNAVAILABLE). Retrying for up to 2 s.',
    ]);
    expect(logger.infos).toEqual([`exporting spans to the OTLP endpoint http://127.0.0.1:${server.port} works again.`]);
  });

  it('sends headers as metadata, and reports UNAUTHENTICATED once, at once, without the header value', async () => {
    const server = await collector({ answers: Array(3).fill(grpc.status.UNAUTHENTICATED) });
    const { exporter, logger } = exporterFor(
      { endpoint: `http://127.0.0.1:${server.port}` },
      { OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encodeURIComponent(SECRET)}` },
    );

    const results = await exportBatches(exporter, 3);

    expect(server.metadata[0]!.get('authorization')).toEqual([SECRET]);
    expect(server.requests).toHaveLength(3); // one per batch: never retried
    expect(results.map((result) => result.code)).toEqual(Array(3).fill(ExportResultCode.FAILED));
    expect(logger.warnings).toEqual([
      `the OTLP endpoint http://127.0.0.1:${server.port} refused the credentials (UNAUTHENTICATED: test collector ` +
        'answers UNAUTHENTICATED): check OTEL_EXPORTER_OTLP_HEADERS. Headers sent: authorization=[REDACTED].',
    ]);
    expect(results[0]!.error).toMatchObject({ name: 'OtlpExportError', kind: 'unauthorized', message: logger.warnings[0] });
    expect(JSON.stringify(results.map((r) => ({ ...r.error, message: r.error?.message })))).not.toContain('grpc-secret');
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 0, failedSpans: 6, retriedSpans: 0 });
  });

  it('sends only the resolved metadata, whatever the process environment holds', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-from-process=1,x%20bad=1');
    const server = await collector();
    const { exporter } = exporterFor({ endpoint: `http://127.0.0.1:${server.port}`, headers: { 'x-from-option': 'yes' } });

    expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
    expect(server.metadata[0]!.get('x-from-option')).toEqual(['yes']);
    expect(server.metadata[0]!.get('x-from-process')).toEqual([]);
  });

  it('says a closed port is not reachable, once for many batches, and gives up within the retry budget', async () => {
    const port = await closedPort();
    const { exporter, logger } = exporterFor({ endpoint: `http://127.0.0.1:${port}`, retry: { ...FAST_RETRIES, maxElapsedMillis: 300 } });

    const started = performance.now();
    const results = await exportBatches(exporter, 3);

    expect(performance.now() - started).toBeLessThan(3 * 300 + 1_500);
    expect(results.map((result) => result.code)).toEqual(Array(3).fill(ExportResultCode.FAILED));
    expect(logger.warnings).toEqual([
      `could not reach the OTLP endpoint http://127.0.0.1:${port} (connection refused): is the collector running ` +
        'and listening on that port? The endpoint comes from the endpoint option. Retrying for up to 0.3 s.',
    ]);
    expect(exporter.getStats().failedSpans).toBe(6);
  });

  it('delivers every span exactly once when the collector restarts on the same port mid-export', async () => {
    const first = await startGrpcCollector();
    const port = first.port;
    const { exporter, logger } = exporterFor({ endpoint: `http://127.0.0.1:${port}`, retry: { maxElapsedMillis: 20_000 } });
    expect((await exportAsync(exporter, makeSpans(1, 'before'))).code).toBe(ExportResultCode.SUCCESS);
    await first.stop();

    const during = exportAsync(exporter, makeSpans(2, 'during'));
    await expect.poll(() => exporter.getStats().retriedSpans, { timeout: 5_000 }).toBeGreaterThan(0);
    const downFor = 1_500;
    await new Promise((resolve) => setTimeout(resolve, downFor));
    const second = await collector({ port });
    const restartedAt = performance.now();

    expect((await during).code).toBe(ExportResultCode.SUCCESS);
    const deliveredAfterRestart = performance.now() - restartedAt;
    expect(countContaining(second.accepted, 'during-1')).toBe(1);
    expect(second.accepted).toHaveLength(1);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('(connection refused)');
    expect(logger.infos).toEqual([`exporting spans to the OTLP endpoint http://127.0.0.1:${port} works again.`]);
    // Bounded by the retry backoff (at most 5 s), not by the gRPC channel's own reconnect backoff.
    expect(deliveredAfterRestart).toBeLessThan(6_000);
  }, 20_000);

  it('refuses to retry a TLS endpoint on a plaintext collector, and says to write http://', async () => {
    const server = await collector();
    const { exporter, logger } = exporterFor({ endpoint: `https://127.0.0.1:${server.port}` });

    const result = await exportAsync(exporter, makeSpans(1));

    expect(result.error).toMatchObject({ kind: 'tls-mismatch', retryable: false });
    expect(exporter.getStats().retriedSpans).toBe(0);
    expect(logger.warnings).toEqual([
      `the TLS handshake with the OTLP endpoint https://127.0.0.1:${server.port} failed (UNAVAILABLE: TLS: wrong ` +
        `version number): the server does not seem to speak TLS. For a plaintext collector write ` +
        `http://127.0.0.1:${server.port}.`,
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('suggests https:// when a plaintext channel cannot talk to a TLS collector', async () => {
    const server = await collector({ credentials: tlsServerCredentials() });
    const { exporter, logger } = exporterFor({ endpoint: `http://127.0.0.1:${server.port}`, retry: { ...FAST_RETRIES, maxElapsedMillis: 100 } });

    const result = await exportAsync(exporter, makeSpans(1));

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(logger.warnings[0]).toContain(`If the collector only accepts TLS, write https://127.0.0.1:${server.port}.`);
  });

  it('exports over TLS with the CA given as an option', async () => {
    const server = await collector({ credentials: tlsServerCredentials() });
    const { exporter } = exporterFor({ endpoint: `https://localhost:${server.port}`, certificate: fixture('ca.crt') });
    expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
    expect(server.accepted).toHaveLength(1);
  });

  it('says an untrusted certificate needs OTEL_EXPORTER_OTLP_CERTIFICATE', async () => {
    const server = await collector({ credentials: tlsServerCredentials() });
    const { exporter, logger } = exporterFor({ endpoint: `https://localhost:${server.port}` });
    const result = await exportAsync(exporter, makeSpans(1));
    expect(result.error).toMatchObject({ kind: 'tls-certificate' });
    expect(logger.warnings[0]).toContain('set OTEL_EXPORTER_OTLP_CERTIFICATE');
  });

  it('exports over mutual TLS with the files the standard variables name', async () => {
    const server = await collector({ credentials: tlsServerCredentials({ requireClientCertificate: true }) });
    const { exporter } = exporterFor({}, {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `https://localhost:${server.port}`,
      OTEL_EXPORTER_OTLP_CERTIFICATE: fixturePath('ca.crt'),
      OTEL_EXPORTER_OTLP_CLIENT_KEY: fixturePath('client.key'),
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: fixturePath('client.crt'),
    });
    expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
    expect(server.accepted).toHaveLength(1);
  });

  it('shutdown() returns promptly while a batch waits to be retried', async () => {
    const port = await closedPort();
    const { exporter } = exporterFor({
      endpoint: `http://127.0.0.1:${port}`,
      retry: { initialDelayMillis: 60_000, maxDelayMillis: 60_000, maxElapsedMillis: 120_000 },
    });
    const pending = exportAsync(exporter, makeSpans(1));
    await expect.poll(() => exporter.getStats().retriedSpans).toBe(1);

    const started = performance.now();
    await exporter.shutdown();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect((await pending).code).toBe(ExportResultCode.FAILED);
  });
});

describe('gRPC exporter renewal', () => {
  it('a batch still out on a channel that is renewed finishes there: both batches delivered once', async () => {
    const server = await collector({ answers: ['late', grpc.status.UNAVAILABLE] });
    const { exporter } = exporterFor({ endpoint: `http://127.0.0.1:${server.port}` });
    const held = exportAsync(exporter, makeSpans(1, 'held'));
    await expect.poll(() => server.requests.length).toBe(1);
    const renewing = exportAsync(exporter, makeSpans(1, 'renewing'));
    const results = await Promise.all([held, renewing]);
    expect(results.map((result) => result.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    expect(countContaining(server.accepted, 'held-0')).toBe(1);
    expect(countContaining(server.accepted, 'renewing-0')).toBe(1);
  });
});

describe('gRPC exporter compression', () => {
  it('with OTEL_EXPORTER_OTLP_COMPRESSION=gzip the collector still gets every span', async () => {
    const server = await collector();
    const { exporter } = exporterFor({ endpoint: `http://127.0.0.1:${server.port}` }, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    expect((await exportAsync(exporter, makeSpans(2, 'zipped'))).code).toBe(ExportResultCode.SUCCESS);
    expect(countContaining(server.accepted, 'zipped-1')).toBe(1);
  });
});

describe('gRPC exporter shutdown', () => {
  it('cancels a call the collector never answers: shutdown() returns at once and the batch fails as aborted', async () => {
    const server = await collector({ answers: ['never'] });
    const { exporter } = exporterFor({ endpoint: `http://127.0.0.1:${server.port}`, timeoutMillis: 60_000 });
    const pending = exportAsync(exporter, makeSpans(1, 'held'));
    await expect.poll(() => server.requests.length).toBe(1);

    const started = performance.now();
    await exporter.shutdown();
    expect(performance.now() - started).toBeLessThan(1_000);
    const result = await pending;
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/was still waiting for an answer when the exporter shut down, and was aborted/);
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 0, failedSpans: 1 });
  });
});

function tlsServerCredentials(options: { requireClientCertificate?: boolean } = {}): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(
    fixture('ca.crt'),
    [{ private_key: fixture('server.key'), cert_chain: fixture('server.crt') }],
    options.requireClientCertificate ?? false,
  );
}
