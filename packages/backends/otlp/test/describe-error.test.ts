import { describe, expect, it } from 'vitest';
import { describeExportError, resolveOtlpConfig } from '../src/index.js';
import { GRPC_REFUSED, grpcError, httpRetriesExhausted, httpStatusError, networkError } from './support/errors.js';

const SECRET = 'Bearer sk-live-0123456789abcdef';
const grpcConfig = resolveOtlpConfig({ protocol: 'grpc' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' });
const grpcTlsConfig = resolveOtlpConfig({ protocol: 'grpc', endpoint: 'https://127.0.0.1:4317' }, {});
const httpConfig = resolveOtlpConfig({ endpoint: 'http://127.0.0.1:4318/v1/traces' }, {});
const authConfig = resolveOtlpConfig(
  { headers: { 'x-tenant': 'acme-corp' } },
  { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318', OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encodeURIComponent(SECRET)}` },
);

describe('describeExportError: cannot connect', () => {
  it('says a refused gRPC connection plainly, and where the endpoint came from', () => {
    const description = describeExportError(GRPC_REFUSED, grpcConfig);
    expect(description).toMatchObject({ kind: 'connection-refused', retryable: true });
    expect(description.message).toBe(
      'could not reach the OTLP endpoint http://127.0.0.1:4317 (connection refused): is the collector running and ' +
        'listening on that port? The endpoint comes from OTEL_EXPORTER_OTLP_ENDPOINT.',
    );
  });

  it('says the same for HTTP, and points at the variable when the endpoint is the default', () => {
    const description = describeExportError(networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4318'), resolveOtlpConfig({}, {}));
    expect(description.message).toBe(
      'could not reach the OTLP endpoint http://localhost:4318/v1/traces (connection refused): is the collector ' +
        'running and listening on that port? This is the default endpoint: set OTEL_EXPORTER_OTLP_ENDPOINT or the ' +
        'endpoint option to change it.',
    );
  });

  it('tells an unknown host apart, still retryable since a restarting collector can vanish from DNS', () => {
    expect(describeExportError(grpcError(14, 'Name resolution failed for target dns:collectr:4317'), grpcConfig)).toMatchObject({
      kind: 'host-not-found',
      retryable: true,
    });
    expect(describeExportError(networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND collectr'), httpConfig).message).toContain(
      'could not resolve the host of the OTLP endpoint http://127.0.0.1:4318/v1/traces (getaddrinfo ENOTFOUND collectr): check the host name.',
    );
  });

  it('retries a dropped connection and suggests TLS when the endpoint is plaintext', () => {
    const description = describeExportError(networkError('ECONNRESET', 'socket hang up'), httpConfig);
    expect(description).toMatchObject({ kind: 'connection-lost', retryable: true });
    expect(description.message).toBe(
      'the connection to the OTLP endpoint http://127.0.0.1:4318/v1/traces was lost (socket hang up). If the ' +
        'collector only accepts TLS, write https://127.0.0.1:4318/v1/traces.',
    );
  });

  it('suggests TLS when a plaintext gRPC channel fails to connect', () => {
    const error = grpcError(14, 'No connection established. Last error: Failed to connect (2026-11-23T14:25:11.037Z). Resolution note: ');
    const description = describeExportError(error, grpcConfig);
    expect(description).toMatchObject({ kind: 'unavailable', retryable: true, reason: 'UNAVAILABLE: Failed to connect' });
    expect(description.message).toContain('If the collector only accepts TLS, write https://127.0.0.1:4317.');
  });
});

describe('describeExportError: TLS', () => {
  const wrongVersion =
    'C0DC29145E7F0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:77:\n';

  it('recognises an https endpoint on a plaintext server, over gRPC and over HTTP, and does not retry it', () => {
    const grpc = describeExportError(grpcError(14, `No connection established. Last error: Error: ${wrongVersion}. Resolution note: `), grpcTlsConfig);
    expect(grpc).toMatchObject({ kind: 'tls-mismatch', retryable: false });
    expect(grpc.message).toBe(
      'the TLS handshake with the OTLP endpoint https://127.0.0.1:4317 failed (UNAVAILABLE: TLS: wrong version ' +
        'number): the server does not seem to speak TLS. For a plaintext collector write http://127.0.0.1:4317.',
    );
    const httpsConfig = resolveOtlpConfig({ endpoint: 'https://127.0.0.1:4318/v1/traces' }, {});
    const http = describeExportError(networkError('EPROTO', `write EPROTO ${wrongVersion}`), httpsConfig);
    expect(http).toMatchObject({ kind: 'tls-mismatch', retryable: false, reason: 'TLS: wrong version number' });
  });

  it('points at the certificate settings when the server certificate is not trusted', () => {
    const grpc = describeExportError(
      grpcError(14, 'No connection established. Last error: Error: self-signed certificate in certificate chain. Resolution note: '),
      grpcTlsConfig,
    );
    expect(grpc).toMatchObject({ kind: 'tls-certificate', retryable: false });
    expect(grpc.message).toContain('set OTEL_EXPORTER_OTLP_CERTIFICATE (or the certificate option)');
    const http = describeExportError(networkError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), httpConfig);
    expect(http).toMatchObject({ kind: 'tls-certificate', retryable: false });
  });
});

describe('describeExportError: wrong port or path', () => {
  it('recognises an HTTP exporter talking to a gRPC port', () => {
    const description = describeExportError(networkError('HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/, RTSP/ or ICE/'), httpConfig);
    expect(description).toMatchObject({ kind: 'protocol-mismatch', retryable: false });
    expect(description.message).toContain('is it the gRPC port? Collectors usually take OTLP/HTTP on 4318 and gRPC on 4317; or set the protocol to grpc.');
  });

  it('recognises a gRPC exporter talking to an HTTP port', () => {
    const protocolError = grpcError(14, 'No connection established. Last error: Protocol error (2026-11-23T14:26:12.845Z). Resolution note: ');
    expect(describeExportError(protocolError, grpcConfig).message).toContain('does not speak gRPC');
    const notServed = describeExportError(grpcError(12, 'Received HTTP status code 404'), grpcConfig);
    expect(notServed).toMatchObject({ kind: 'not-found', retryable: false });
    expect(notServed.message).toContain('gRPC collectors usually listen on 4317');
  });

  it('suggests /v1/traces when an HTTP endpoint given as is lacks it', () => {
    const config = resolveOtlpConfig({ endpoint: 'http://127.0.0.1:4318' }, {});
    const description = describeExportError(httpStatusError(404, 'Not Found', '404 page not found\n'), config);
    expect(description).toMatchObject({ kind: 'not-found', retryable: false });
    expect(description.message).toBe(
      'the OTLP endpoint http://127.0.0.1:4318 answered 404 Not Found: 404 page not found: OTLP/HTTP collectors ' +
        'take traces at the path /v1/traces. Did you mean http://127.0.0.1:4318/v1/traces? The endpoint option and ' +
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT are used as given; only OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces appended.',
    );
  });
});

describe('describeExportError: credentials', () => {
  it('points at OTEL_EXPORTER_OTLP_HEADERS on 401 and 403, naming the headers sent but not their values', () => {
    for (const [status, text] of [[401, 'Unauthorized'], [403, 'Forbidden']] as const) {
      const description = describeExportError(httpStatusError(status, text, `invalid token ${SECRET}`), authConfig);
      expect(description).toMatchObject({ kind: 'unauthorized', retryable: false });
      expect(description.message).toBe(
        `the OTLP endpoint https://collector.example:4318/v1/traces refused the credentials (${status} ${text}: ` +
          'invalid token [REDACTED]): check OTEL_EXPORTER_OTLP_HEADERS (headers also come from the headers option). ' +
          'Headers sent: authorization=[REDACTED], x-tenant=[REDACTED].',
      );
    }
  });

  it('does the same for UNAUTHENTICATED and PERMISSION_DENIED, and says when no header was sent', () => {
    for (const code of [16, 7]) {
      const description = describeExportError(grpcError(code, 'missing bearer token'), grpcConfig);
      expect(description).toMatchObject({ kind: 'unauthorized', retryable: false });
      expect(description.message).toContain('check OTEL_EXPORTER_OTLP_HEADERS. No headers were sent.');
    }
  });

  it('never lets a header value through, even when the server echoes it in every field', () => {
    const errors = [
      httpStatusError(500, SECRET, SECRET),
      grpcError(13, `bad ${SECRET}`),
      networkError('ECONNRESET', `reset by ${SECRET}`),
      new Error(SECRET),
    ];
    for (const error of errors) {
      const description = describeExportError(error, authConfig);
      expect(JSON.stringify(description)).not.toContain('sk-live-0123456789abcdef');
    }
  });
});

describe('describeExportError: the collector answers with an error', () => {
  it('retries gRPC UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED', () => {
    expect(describeExportError(grpcError(14, 'Connection dropped'), grpcConfig)).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(describeExportError(grpcError(4, 'Deadline exceeded'), grpcConfig)).toMatchObject({ kind: 'timeout', retryable: true });
    expect(describeExportError(grpcError(8, 'queue full'), grpcConfig)).toMatchObject({ kind: 'unavailable', retryable: true });
  });

  it('does not retry other gRPC statuses', () => {
    const description = describeExportError(grpcError(13, 'boom'), grpcConfig);
    expect(description).toMatchObject({ kind: 'rejected', retryable: false });
    expect(description.message).toBe('the OTLP endpoint http://127.0.0.1:4317 rejected the spans (INTERNAL: boom).');
  });

  it('reports an HTTP error status with the start of the body, and retries none that the exporter does not', () => {
    const description = describeExportError(httpStatusError(500, 'Internal Server Error', `storage failed ${'x'.repeat(500)}`), httpConfig);
    expect(description).toMatchObject({ kind: 'rejected', retryable: false, status: 500 });
    expect(description.reason).toHaveLength('500 Internal Server Error: '.length + 200);
  });

  it('retries once the HTTP exporter ran out of its own retries on 429/502/503/504', () => {
    expect(describeExportError(httpRetriesExhausted(), httpConfig)).toMatchObject({
      kind: 'unavailable',
      retryable: true,
      message: 'the OTLP endpoint http://127.0.0.1:4318/v1/traces is unavailable (kept answering 429, 502, 503 or 504).',
    });
  });

  it('suggests a smaller batch on 413', () => {
    expect(describeExportError(httpStatusError(413, 'Payload Too Large'), httpConfig).message).toContain('maxExportBatchSize');
  });

  it('retries an HTTP request timeout and says which timeout applied', () => {
    const description = describeExportError(new Error('Request timed out'), httpConfig);
    expect(description).toMatchObject({ kind: 'timeout', retryable: true });
    expect(description.message).toContain('did not answer within 10000 ms');
  });

  it('does not retry what it does not recognise', () => {
    expect(describeExportError(new Error('Concurrent export limit reached'), httpConfig)).toMatchObject({
      kind: 'unknown',
      retryable: false,
    });
    expect(describeExportError(undefined, httpConfig).kind).toBe('unknown');
  });
});
