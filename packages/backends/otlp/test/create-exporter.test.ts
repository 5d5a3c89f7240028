import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpSpanExporter, OtlpConfigError } from '../src/index.js';
import { CapturingLogger } from './support/logger.js';

afterEach(() => diag.disable());

describe('createOtlpSpanExporter', () => {
  it('tells which protocol and endpoint it uses, with credentials masked', async () => {
    const exporter = createOtlpSpanExporter({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:pass@collector.example:4318' });
    expect(exporter.protocol).toBe('http/protobuf');
    expect(exporter.endpoint).toBe('https://[REDACTED]@collector.example:4318/v1/traces');
    await exporter.shutdown();
  });

  it('logs the settings it ignored, once, at creation', async () => {
    const logger = new CapturingLogger();
    const exporter = createOtlpSpanExporter({ logger }, { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' });
    expect(logger.warnings).toEqual(['OTEL_EXPORTER_OTLP_TIMEOUT="soon" was ignored: expected a number of milliseconds above 0.']);
    await exporter.shutdown();
  });

  it('throws a clear error for an endpoint it cannot use safely', () => {
    expect(() => createOtlpSpanExporter({ protocol: 'grpc', endpoint: 'localhost:4317' }, {})).toThrow(OtlpConfigError);
  });

  it('throws when a certificate file a variable names cannot be read', () => {
    expect(() =>
      createOtlpSpanExporter({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318', OTEL_EXPORTER_OTLP_CERTIFICATE: 'no/such/ca.pem' }),
    ).toThrow('Could not read the file OTEL_EXPORTER_OTLP_CERTIFICATE="no/such/ca.pem" names (ENOENT).');
  });

  it('reports through OpenTelemetry diag by default', async () => {
    const warnings: string[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args.join(' ')) } as unknown as DiagLogger;
    diag.setLogger({ ...silentDiagLogger(), warn: logger.warn }, DiagLogLevel.WARN);
    const exporter = createOtlpSpanExporter({}, { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' });
    expect(warnings).toEqual([
      '@agents-tracing/exporter-otlp OTEL_EXPORTER_OTLP_COMPRESSION="zstd" was ignored: expected gzip or none.',
    ]);
    await exporter.shutdown();
  });

  it('rejects a negative retry budget', () => {
    expect(() => createOtlpSpanExporter({ retry: { maxElapsedMillis: -1 } }, {})).toThrow(RangeError);
  });
});

function silentDiagLogger(): DiagLogger {
  const ignore = () => {};
  return { error: ignore, warn: ignore, info: ignore, debug: ignore, verbose: ignore };
}
