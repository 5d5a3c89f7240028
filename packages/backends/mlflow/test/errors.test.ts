import { describe, expect, it } from 'vitest';
import type { MlflowAuth } from '../src/config.js';
import { describeMlflowError, failureFromError, MlflowError, type MlflowErrorContext, type MlflowFailure } from '../src/errors.js';

const TOKEN = 'tok-very-secret-123';
const bearer: MlflowAuth = { scheme: 'bearer', token: TOKEN, source: 'environment' };

function context(overrides: Partial<MlflowErrorContext> = {}): MlflowErrorContext {
  return {
    trackingUri: 'http://127.0.0.1:5000',
    operation: 'export spans',
    experimentId: '12',
    auth: { scheme: 'none' },
    timeoutMillis: 10_000,
    secrets: [],
    ...overrides,
  };
}

describe('describeMlflowError', () => {
  it('an unreachable server: is `mlflow server` running?', () => {
    const { kind, message } = describeMlflowError({ type: 'network', code: 'ECONNREFUSED' }, context());
    expect(kind).toBe('unreachable');
    expect(message).toMatch(/^could not reach MLflow at http:\/\/127\.0\.0\.1:5000 \(ECONNREFUSED\): is `mlflow server` running\?/);
  });

  it('a host name that does not resolve says so', () => {
    expect(describeMlflowError({ type: 'network', code: 'ENOTFOUND' }, context()).message).toMatch(/does not resolve/);
  });

  it('a timeout names the limit', () => {
    const { kind, message } = describeMlflowError({ type: 'timeout' }, context({ timeoutMillis: 2500 }));
    expect(kind).toBe('timeout');
    expect(message).toMatch(/did not answer within 2500 ms/);
  });

  it('401 without credentials: which variables to set', () => {
    const { kind, status, message } = describeMlflowError({ type: 'http', status: 401 }, context());
    expect({ kind, status }).toEqual({ kind: 'unauthorized', status: 401 });
    expect(message).toMatch(/HTTP 401/);
    expect(message).toMatch(/MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD .*MLFLOW_TRACKING_TOKEN/);
  });

  it('401 with a token: which variable to check, never the token', () => {
    const { message } = describeMlflowError(
      { type: 'http', status: 401, body: `{"error_code":"UNAUTHENTICATED","message":"bad token ${TOKEN}"}` },
      context({ auth: bearer, secrets: [TOKEN] }),
    );
    expect(message).toMatch(/bearer token was sent\. Check MLFLOW_TRACKING_TOKEN/);
    expect(message).not.toContain(TOKEN);
  });

  it('401 with basic auth names the user, not the password', () => {
    const auth: MlflowAuth = { scheme: 'basic', username: 'alice', password: 'pw-secret-9', source: 'option' };
    const { message } = describeMlflowError({ type: 'http', status: 401 }, context({ auth, secrets: ['pw-secret-9'] }));
    expect(message).toMatch(/basic auth was sent for user "alice"\. Check the username and password options/);
    expect(message).not.toContain('pw-secret-9');
  });

  it('403: accepted credentials without permission on the experiment', () => {
    const { kind, message } = describeMlflowError(
      { type: 'http', status: 403, body: '{"error_code":"PERMISSION_DENIED","message":"Permission denied"}' },
      context({ auth: bearer, secrets: [TOKEN] }),
    );
    expect(kind).toBe('forbidden');
    expect(message).toMatch(/HTTP 403.*Permission denied.*experiment 12/);
  });

  it('an unknown experiment id', () => {
    const { kind, message } = describeMlflowError(
      {
        type: 'http',
        status: 404,
        body: '{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No Experiment with id=12 exists"}',
      },
      context(),
    );
    expect(kind).toBe('unknown-experiment');
    expect(message).toMatch(/has no experiment with id 12 \(HTTP 404\): check MLFLOW_EXPERIMENT_ID/);
  });

  it('404 on /v1/traces: a server without OTLP ingestion', () => {
    const { kind, message } = describeMlflowError(
      { type: 'http', status: 404, body: '<!doctype html><title>404 Not Found</title>' },
      context(),
    );
    expect(kind).toBe('no-otlp-endpoint');
    expect(message).toMatch(/MLflow ≥ 3\.6 with a SQL backend store is needed/);
    expect(message).not.toContain('doctype');
  });

  it('501 from a file store: start the server with a database', () => {
    const { kind, message } = describeMlflowError(
      { type: 'http', status: 501, body: '{"detail":"REST OTLP span logging is not supported by FileStore"}' },
      context(),
    );
    expect(kind).toBe('file-store');
    expect(message).toMatch(/--backend-store-uri sqlite:\/\/\/mlflow\.db or a database URI/);
  });

  it('a rejected batch quotes MLflow’s reason, cut short', () => {
    const { kind, message } = describeMlflowError(
      { type: 'http', status: 400, body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: `x${'y'.repeat(1000)}` }) },
      context(),
    );
    expect(kind).toBe('rejected');
    expect(message).toMatch(/HTTP 400: xyyy/);
    expect(message.length).toBeLessThan(500);
  });

  it('5xx is a server error', () => {
    expect(describeMlflowError({ type: 'http', status: 503 }, context()).kind).toBe('server-error');
  });

  it('404 and 501 outside an export are not blamed on OTLP', () => {
    const lookup = context({ operation: 'look up experiment "support"' });
    expect(describeMlflowError({ type: 'http', status: 404 }, lookup).kind).toBe('rejected');
    expect(describeMlflowError({ type: 'http', status: 501 }, lookup).kind).toBe('server-error');
  });
});

describe('retryable', () => {
  it.each<[MlflowFailure, boolean]>([
    [{ type: 'network', code: 'ECONNREFUSED' }, true],
    [{ type: 'timeout' }, true],
    [{ type: 'http', status: 503 }, true],
    [{ type: 'http', status: 429 }, true],
    [{ type: 'http', status: 401 }, false],
    [{ type: 'http', status: 403 }, false],
    [{ type: 'http', status: 404 }, false],
    [{ type: 'http', status: 400 }, false],
    [{ type: 'http', status: 501 }, false],
  ])('%j: %s', (failure, retryable) => {
    expect(new MlflowError(describeMlflowError(failure, context())).retryable).toBe(retryable);
  });
});

describe('failureFromError', () => {
  it('reads the HTTP status and body of an OTLP exporter error', () => {
    const notFound = Object.assign(new Error('Not Found'), { name: 'OTLPExporterError', code: 404, data: '{"detail":"x"}' });
    expect(failureFromError(notFound)).toEqual({
      type: 'http',
      status: 404,
      body: '{"detail":"x"}',
    });
  });

  it('reads the socket error code, directly (node:http) or as the cause (fetch)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(failureFromError(refused)).toMatchObject({ type: 'network', code: 'ECONNREFUSED' });
    expect(failureFromError(new TypeError('fetch failed', { cause: refused }))).toMatchObject({ type: 'network', code: 'ECONNREFUSED' });
  });

  it('recognises timeouts from fetch and from the OTLP exporter', () => {
    expect(failureFromError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toEqual({ type: 'timeout' });
    expect(failureFromError(new Error('Request timed out'))).toEqual({ type: 'timeout' });
  });
});
