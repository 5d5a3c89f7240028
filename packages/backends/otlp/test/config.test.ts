import { describe, expect, it } from 'vitest';
import { isOtlpConfigured, OtlpConfigError, resolveOtlpConfig } from '../src/index.js';

describe('resolveOtlpConfig: protocol', () => {
  it('defaults to http/protobuf, as the OTLP exporter specification says', () => {
    expect(resolveOtlpConfig({}, {}).protocol).toBe('http/protobuf');
  });

  it('prefers the option, then the traces variable, then the generic variable', () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
    expect(resolveOtlpConfig({ protocol: 'http/protobuf' }, env).protocol).toBe('http/protobuf');
    expect(resolveOtlpConfig({}, env).protocol).toBe('http/json');
    expect(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).protocol).toBe('grpc');
  });

  it('skips an unknown variable value with a warning and falls back to the next source', () => {
    const config = resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(config.protocol).toBe('grpc');
    expect(config.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="http" was ignored: expected grpc, http/protobuf, http/json.',
    ]);
  });

  it('treats a blank variable as unset', () => {
    const config = resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: '  ', OTEL_EXPORTER_OTLP_PROTOCOL: ' grpc ' });
    expect(config.protocol).toBe('grpc');
    expect(config.warnings).toEqual([]);
  });

  it('throws for an unknown option value', () => {
    expect(() => resolveOtlpConfig({ protocol: 'http' as 'grpc' }, {})).toThrow(OtlpConfigError);
  });
});

describe('resolveOtlpConfig: HTTP endpoint', () => {
  it('defaults to http://localhost:4318/v1/traces', () => {
    const config = resolveOtlpConfig({}, {});
    expect(config).toMatchObject({ endpoint: 'http://localhost:4318/v1/traces', endpointSource: 'default', secure: false });
  });

  it('appends /v1/traces to the generic endpoint, with or without a trailing slash', () => {
    expect(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).endpoint).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector/otlp/' })).toMatchObject({
      endpoint: 'https://collector/otlp/v1/traces',
      endpointSource: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      secure: true,
    });
  });

  it('uses the traces endpoint as given, and prefers it to the generic one', () => {
    const env = {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom/path',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
    };
    expect(resolveOtlpConfig({}, env)).toMatchObject({
      endpoint: 'http://traces:4318/custom/path',
      endpointSource: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    });
  });

  it('uses the endpoint option as given, before any variable', () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/v1/traces' };
    expect(resolveOtlpConfig({ endpoint: 'http://option:4318' }, env)).toMatchObject({
      endpoint: 'http://option:4318',
      endpointSource: 'option',
    });
  });

  it('refuses an endpoint without http:// or https://, saying where it came from', () => {
    expect(() => resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toThrow(
      'OTLP endpoint "localhost:4318" (from OTEL_EXPORTER_OTLP_ENDPOINT) is not an http:// or https:// URL (for example http://localhost:4318).',
    );
    expect(() => resolveOtlpConfig({ endpoint: 'not a url' }, {})).toThrow(OtlpConfigError);
  });
});

describe('resolveOtlpConfig: gRPC endpoint', () => {
  const grpc = { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };

  it('defaults to plaintext http://localhost:4317', () => {
    expect(resolveOtlpConfig({}, grpc)).toMatchObject({ endpoint: 'http://localhost:4317', secure: false });
  });

  it('takes the generic endpoint without appending a path', () => {
    const config = resolveOtlpConfig({}, { ...grpc, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4317' });
    expect(config).toMatchObject({ endpoint: 'https://collector:4317', secure: true, endpointSource: 'OTEL_EXPORTER_OTLP_ENDPOINT' });
  });

  it('follows the same precedence as HTTP: option, traces variable, generic variable', () => {
    const env = {
      ...grpc,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4317',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4317',
    };
    expect(resolveOtlpConfig({}, env).endpoint).toBe('http://traces:4317');
    expect(resolveOtlpConfig({ endpoint: 'http://option:4317' }, env).endpoint).toBe('http://option:4317');
  });

  it('drops a path, which gRPC has no use for, with a warning', () => {
    const config = resolveOtlpConfig({ protocol: 'grpc', endpoint: 'http://collector:4317/v1/traces' }, {});
    expect(config.endpoint).toBe('http://collector:4317');
    expect(config.warnings).toEqual([
      'The path /v1/traces of the gRPC endpoint (from the endpoint option) was ignored: gRPC has no URL path.',
    ]);
  });

  it('refuses an endpoint without a scheme rather than silently using TLS', () => {
    const resolve = () => resolveOtlpConfig({}, { ...grpc, OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4317' });
    expect(resolve).toThrow(OtlpConfigError);
    expect(resolve).toThrow(
      'OTLP gRPC endpoint "localhost:4317" (from OTEL_EXPORTER_OTLP_ENDPOINT) has no scheme, which OpenTelemetry ' +
        'takes to mean TLS. Write http://localhost:4317 for a plaintext collector (such as a local Jaeger) or ' +
        'https://localhost:4317 for TLS',
    );
  });

  it('accepts an endpoint without a scheme when insecure says which transport to use', () => {
    const env = { ...grpc, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' };
    expect(resolveOtlpConfig({}, { ...env, OTEL_EXPORTER_OTLP_INSECURE: 'true' })).toMatchObject({
      endpoint: 'http://collector:4317',
      secure: false,
    });
    expect(resolveOtlpConfig({}, { ...env, OTEL_EXPORTER_OTLP_TRACES_INSECURE: 'FALSE', OTEL_EXPORTER_OTLP_INSECURE: 'true' })).toMatchObject({
      endpoint: 'https://collector:4317',
      secure: true,
    });
    expect(resolveOtlpConfig({ insecure: true }, { ...env, OTEL_EXPORTER_OTLP_INSECURE: 'false' }).endpoint).toBe(
      'http://collector:4317',
    );
  });

  it('lets the scheme decide TLS whatever insecure says', () => {
    const config = resolveOtlpConfig({ protocol: 'grpc', endpoint: 'https://collector:4317', insecure: true }, {});
    expect(config.secure).toBe(true);
  });

  it('refuses other schemes', () => {
    expect(() => resolveOtlpConfig({ protocol: 'grpc', endpoint: 'ftp://collector:4317' }, {})).toThrow(
      'is not an http://host:port or https://host:port URL',
    );
  });

  it('never shows user info from an endpoint in its messages', () => {
    expect(() => resolveOtlpConfig({ protocol: 'grpc', endpoint: 'user:s3cret-pass@collector:4317' }, {})).toThrow(
      /"\[REDACTED\]@collector:4317"/,
    );
  });
});

describe('resolveOtlpConfig: headers', () => {
  it('merges generic, traces and option headers, later sources winning by name', () => {
    const config = resolveOtlpConfig(
      { headers: { 'x-option': 'o', 'x-shared': 'from-option' } },
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'x-generic=g,x-shared=from-generic,x-traces-wins=generic',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-traces=t,x-traces-wins=traces',
      },
    );
    expect(config.headers).toEqual({
      'x-generic': 'g',
      'x-shared': 'from-option',
      'x-traces-wins': 'traces',
      'x-traces': 't',
      'x-option': 'o',
    });
    expect(config.headerSources).toEqual(['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'option']);
  });

  it('compares names without case, so an override never sends a header twice', () => {
    const config = resolveOtlpConfig({ headers: { authorization: 'Bearer option' } }, { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20env' });
    expect(config.headers).toEqual({ Authorization: 'Bearer option' });
  });

  it('decodes percent-encoded names and values', () => {
    const config = resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20dXNlcjpwYXNz%3D%3D, x%2Dtenant = a%2Cb ' });
    expect(config.headers).toEqual({ Authorization: 'Basic dXNlcjpwYXNz==', 'x-tenant': 'a,b' });
  });

  it('warns about unreadable entries without showing their values', () => {
    const config = resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'good=1,novalue,bad=%E0%A4%A,empty=' });
    expect(config.headers).toEqual({ good: '1' });
    expect(config.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS: header "novalue" has no "=" and was ignored.',
      'OTEL_EXPORTER_OTLP_HEADERS: header "bad" is not valid percent-encoding and was ignored.',
      'OTEL_EXPORTER_OTLP_HEADERS: header "empty" has an empty value and was ignored.',
    ]);
    expect(config.warnings.join()).not.toContain('%E0');
  });

  it('refuses headers that HTTP or gRPC cannot carry, without showing the value', () => {
    const config = resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'x%20name=1,x-token=s%C3%A9cret%0A,ok=2' });
    expect(config.headers).toEqual({ ok: '2' });
    expect(config.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS: header name "x name" has characters a header name cannot carry and was ignored.',
      'OTEL_EXPORTER_OTLP_HEADERS: header "x-token" has a value with characters other than printable ASCII and was ignored.',
    ]);
    expect(() => resolveOtlpConfig({ headers: { authorization: 'Bearer abc\r\nX: y' } }, {})).toThrow(
      'OTLP exporter option headers: header "authorization" has a value with characters other than printable ASCII.',
    );
  });
});

describe('resolveOtlpConfig: timeout and compression', () => {
  it('defaults to 10 s and no compression', () => {
    expect(resolveOtlpConfig({}, {})).toMatchObject({ timeoutMillis: 10_000, compression: 'none' });
  });

  it('prefers the option, then the traces variable, then the generic variable', () => {
    const env = {
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000',
      OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
    };
    expect(resolveOtlpConfig({}, env)).toMatchObject({ timeoutMillis: 2000, compression: 'gzip' });
    expect(resolveOtlpConfig({ timeoutMillis: 1000, compression: 'none' }, env)).toMatchObject({ timeoutMillis: 1000, compression: 'none' });
    expect(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '3000', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' })).toMatchObject({
      timeoutMillis: 3000,
      compression: 'gzip',
    });
  });

  it('skips unusable variable values with a warning', () => {
    const config = resolveOtlpConfig({}, {
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '-5',
      OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
    });
    expect(config).toMatchObject({ timeoutMillis: 10_000, compression: 'none' });
    expect(config.warnings).toHaveLength(3);
  });

  it('throws for an unusable timeout option', () => {
    expect(() => resolveOtlpConfig({ timeoutMillis: 0 }, {})).toThrow('timeoutMillis=0 is invalid');
  });
});

describe('resolveOtlpConfig: TLS', () => {
  const https = { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318' };

  it('names files from the traces variables before the generic ones', () => {
    const config = resolveOtlpConfig({}, {
      ...https,
      OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: 'traces-ca.pem',
      OTEL_EXPORTER_OTLP_CERTIFICATE: 'ca.pem',
      OTEL_EXPORTER_OTLP_CLIENT_KEY: 'client.key',
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: 'client.pem',
    });
    expect(config.tls).toEqual({
      certificate: { file: 'traces-ca.pem', variable: 'OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE' },
      clientKey: { file: 'client.key', variable: 'OTEL_EXPORTER_OTLP_CLIENT_KEY' },
      clientCertificate: { file: 'client.pem', variable: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE' },
    });
  });

  it('prefers PEM given as an option to a file named by a variable', () => {
    const config = resolveOtlpConfig({ certificate: 'PEM' }, { ...https, OTEL_EXPORTER_OTLP_CERTIFICATE: 'ca.pem' });
    expect(config.tls).toEqual({ certificate: { pem: 'PEM' } });
  });

  it('ignores TLS settings for a plaintext endpoint, with a warning', () => {
    const config = resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_CERTIFICATE: 'ca.pem' });
    expect(config.tls).toEqual({});
    expect(config.warnings).toEqual([
      'TLS settings (certificate) were ignored: the endpoint http://localhost:4318/v1/traces is plaintext. Write https:// to use TLS.',
    ]);
  });

  it('uses neither half of a client key pair when the other half is missing', () => {
    const config = resolveOtlpConfig({}, { ...https, OTEL_EXPORTER_OTLP_CLIENT_KEY: 'client.key' });
    expect(config.tls).toEqual({});
    expect(config.warnings[0]).toContain('the client certificate is missing');
  });
});

describe('isOtlpConfigured', () => {
  it('is true when either endpoint variable is set', () => {
    expect(isOtlpConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(isOtlpConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
  });

  it('is false when none is set, or only other OTLP variables are', () => {
    expect(isOtlpConfigured({})).toBe(false);
    expect(isOtlpConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_EXPORTER_OTLP_HEADERS: 'a=b' })).toBe(false);
  });
});
