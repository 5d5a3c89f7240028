import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  isMlflowConfigured,
  MlflowConfigError,
  resolveMlflowConfig,
  type MlflowEnv,
} from '../src/config.js';

const resolve = (options: Parameters<typeof resolveMlflowConfig>[0] = {}, env: MlflowEnv = {}) =>
  resolveMlflowConfig(options, env);

describe('tracking URI', () => {
  it('comes from the option, then MLFLOW_TRACKING_URI, then the local default', () => {
    expect(resolve({ trackingUri: 'http://mlflow.internal:5000' }, { MLFLOW_TRACKING_URI: 'http://other' }).trackingUri).toBe(
      'http://mlflow.internal:5000',
    );
    expect(resolve({}, { MLFLOW_TRACKING_URI: 'https://mlflow.example.com/' }).trackingUri).toBe('https://mlflow.example.com');
    expect(resolve().trackingUri).toBe('http://127.0.0.1:5000');
  });

  it('keeps a path prefix (a server behind a proxy) and drops trailing slashes', () => {
    expect(resolve({ trackingUri: 'https://tools.example.com/mlflow//' }).trackingUri).toBe('https://tools.example.com/mlflow');
  });

  it('takes credentials out of the URL and uses them as basic auth', () => {
    const config = resolve({}, { MLFLOW_TRACKING_URI: 'http://alice:s%3Acret@127.0.0.1:5000' });
    expect(config.trackingUri).toBe('http://127.0.0.1:5000');
    expect(config.auth).toEqual({ scheme: 'basic', username: 'alice', password: 's:cret', source: 'option' });
  });

  it('refuses what is not a tracking server, saying which setting is wrong', () => {
    expect(() => resolve({}, { MLFLOW_TRACKING_URI: 'sqlite:///mlflow.db' })).toThrow(/MLFLOW_TRACKING_URI uses "sqlite:".*mlflow server/);
    expect(() => resolve({ trackingUri: 'databricks' })).toThrow(MlflowConfigError);
    expect(() => resolve({ trackingUri: 'databricks' })).toThrow(/trackingUri option is not a URL/);
  });
});

describe('isMlflowConfigured', () => {
  it('is true only when MLFLOW_TRACKING_URI names an http(s) server', () => {
    expect(isMlflowConfigured({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000' })).toBe(true);
    expect(isMlflowConfigured({ MLFLOW_TRACKING_URI: 'HTTPS://mlflow.example.com' })).toBe(true);
    expect(isMlflowConfigured({})).toBe(false);
    expect(isMlflowConfigured({ MLFLOW_TRACKING_URI: ' ' })).toBe(false);
    expect(isMlflowConfigured({ MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' })).toBe(false);
    expect(isMlflowConfigured({ MLFLOW_EXPERIMENT_NAME: 'x' })).toBe(false);
  });
});

describe('experiment', () => {
  it('options beat the environment, and an id beats a name from the same place', () => {
    expect(resolve({ experimentName: 'support' }, { MLFLOW_EXPERIMENT_ID: '7' }).experiment).toEqual({
      name: 'support',
      source: 'option',
    });
    expect(resolve({ experimentId: '3', experimentName: 'support' }).experiment).toEqual({ id: '3', source: 'option' });
    expect(resolve({}, { MLFLOW_EXPERIMENT_ID: '7', MLFLOW_EXPERIMENT_NAME: 'support' }).experiment).toEqual({
      id: '7',
      source: 'environment',
    });
    expect(resolve({}, { MLFLOW_EXPERIMENT_NAME: 'support' }).experiment).toEqual({ name: 'support', source: 'environment' });
  });

  it('defaults to MLflow’s Default experiment (id 0)', () => {
    expect(resolve().experiment).toEqual({ id: '0', source: 'default' });
    expect(resolve({}, { MLFLOW_EXPERIMENT_ID: '  ' }).experiment).toEqual({ id: '0', source: 'default' });
  });

  it('an experiment name given as an id is caught early', () => {
    expect(() => resolve({}, { MLFLOW_EXPERIMENT_ID: 'support' })).toThrow(/MLFLOW_EXPERIMENT_ID must be a numeric.*MLFLOW_EXPERIMENT_NAME/);
  });
});

describe('auth', () => {
  it('basic auth from MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD', () => {
    const { auth } = resolve({}, { MLFLOW_TRACKING_USERNAME: 'alice', MLFLOW_TRACKING_PASSWORD: 'pw' });
    expect(auth).toEqual({ scheme: 'basic', username: 'alice', password: 'pw', source: 'environment' });
    expect(authorizationHeader(auth)).toEqual({ authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` });
  });

  it('a bearer token from MLFLOW_TRACKING_TOKEN', () => {
    const { auth } = resolve({}, { MLFLOW_TRACKING_TOKEN: 'tok-123' });
    expect(auth).toEqual({ scheme: 'bearer', token: 'tok-123', source: 'environment' });
    expect(authorizationHeader(auth)).toEqual({ authorization: 'Bearer tok-123' });
  });

  it('basic auth wins over a token, as in MLflow’s Python client; options win over the environment', () => {
    expect(
      resolve({}, { MLFLOW_TRACKING_USERNAME: 'a', MLFLOW_TRACKING_PASSWORD: 'b', MLFLOW_TRACKING_TOKEN: 't' }).auth.scheme,
    ).toBe('basic');
    expect(resolve({ token: 'from-option' }, { MLFLOW_TRACKING_USERNAME: 'a', MLFLOW_TRACKING_PASSWORD: 'b' }).auth).toEqual({
      scheme: 'bearer',
      token: 'from-option',
      source: 'option',
    });
  });

  it('no credentials: no header', () => {
    expect(resolve().auth).toEqual({ scheme: 'none' });
    expect(authorizationHeader(resolve().auth)).toEqual({});
  });

  it('half of basic auth is an error that names the missing variable, not the secret', () => {
    const attempt = () => resolve({}, { MLFLOW_TRACKING_PASSWORD: 'hunter2-secret' });
    expect(attempt).toThrow(/MLFLOW_TRACKING_PASSWORD is set but MLFLOW_TRACKING_USERNAME is not/);
    expect(attempt).not.toThrow(/hunter2-secret/);
    expect(() => resolve({ username: 'alice' })).toThrow(/username option is set but the password option is not/);
  });
});

describe('timeout', () => {
  it('defaults to 10 s and must be positive', () => {
    expect(resolve().timeoutMillis).toBe(10_000);
    expect(resolve({ timeoutMillis: 500 }).timeoutMillis).toBe(500);
    expect(() => resolve({ timeoutMillis: 0 })).toThrow(/timeoutMillis/);
  });
});
