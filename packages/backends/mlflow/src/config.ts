/**
 * Where spans go and how to authenticate: options first, then MLflow's own environment variables,
 * as the MLflow Python client reads them.
 */

/** The environment variables this package reads. */
export interface MlflowEnv {
  MLFLOW_TRACKING_URI?: string | undefined;
  MLFLOW_EXPERIMENT_ID?: string | undefined;
  MLFLOW_EXPERIMENT_NAME?: string | undefined;
  MLFLOW_TRACKING_USERNAME?: string | undefined;
  MLFLOW_TRACKING_PASSWORD?: string | undefined;
  MLFLOW_TRACKING_TOKEN?: string | undefined;
  /** The agent version (logged model name) traces are linked to. */
  AGENTS_TRACING_AGENT_VERSION?: string | undefined;
}

export interface MlflowConnectionOptions {
  /** The tracking server's root URL, e.g. `http://127.0.0.1:5000`. Default: MLFLOW_TRACKING_URI. */
  trackingUri?: string;
  /** Experiment to log traces to. Default: MLFLOW_EXPERIMENT_ID. */
  experimentId?: string;
  /** Experiment to log traces to, created when missing. Default: MLFLOW_EXPERIMENT_NAME. */
  experimentName?: string;
  /** Basic auth user. Default: MLFLOW_TRACKING_USERNAME. */
  username?: string;
  /** Basic auth password. Default: MLFLOW_TRACKING_PASSWORD. */
  password?: string;
  /** Bearer token. Default: MLFLOW_TRACKING_TOKEN. */
  token?: string;
  /** Time allowed for one request, retries included, in milliseconds. Default 10,000. */
  timeoutMillis?: number;
}

export type MlflowAuth =
  | { scheme: 'none' }
  | { scheme: 'basic'; username: string; password: string; source: SettingSource }
  | { scheme: 'bearer'; token: string; source: SettingSource };

export type MlflowExperimentRef =
  | { id: string; source: SettingSource | 'default' }
  | { name: string; source: SettingSource };

export type SettingSource = 'option' | 'environment';

export interface MlflowConfig {
  /** Root URL without a trailing slash or credentials. */
  trackingUri: string;
  experiment: MlflowExperimentRef;
  auth: MlflowAuth;
  timeoutMillis: number;
}

/** MLflow's "Default" experiment, used when none is named: it exists on every server. */
export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5000';
export const DEFAULT_TIMEOUT_MILLIS = 10_000;

/** A setting that cannot work; says which one, never its secret value. */
export class MlflowConfigError extends Error {
  override name = 'MlflowConfigError';
}

/** Whether the environment points at an MLflow tracking server, for picking MLflow automatically. */
export function isMlflowConfigured(env: MlflowEnv): boolean {
  const uri = env.MLFLOW_TRACKING_URI?.trim();
  return uri !== undefined && /^https?:\/\//i.test(uri);
}

/** Resolves options and environment into one configuration. Pure; throws MlflowConfigError. */
export function resolveMlflowConfig(options: MlflowConnectionOptions, env: MlflowEnv): MlflowConfig {
  const uriFromOption = nonEmpty(options.trackingUri);
  const { trackingUri, userInfo } = parseTrackingUri(
    uriFromOption ?? nonEmpty(env.MLFLOW_TRACKING_URI) ?? DEFAULT_TRACKING_URI,
    uriFromOption ? 'the trackingUri option' : 'MLFLOW_TRACKING_URI',
  );
  return {
    trackingUri,
    experiment: resolveExperiment(options, env),
    auth: resolveAuth(options, env, userInfo),
    timeoutMillis: resolveTimeout(options.timeoutMillis),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

interface ParsedTrackingUri {
  trackingUri: string;
  userInfo?: { username: string; password: string };
}

function parseTrackingUri(raw: string, origin: string): ParsedTrackingUri {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MlflowConfigError(`${origin} is not a URL: it must be the http(s) address of an MLflow tracking server.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MlflowConfigError(
      `${origin} uses "${url.protocol}": traces go to an MLflow tracking server over http(s). Start one with ` +
        '`mlflow server --backend-store-uri sqlite:///mlflow.db` and use its http:// address.',
    );
  }
  // Credentials in the URL would end up in messages; they are used as basic auth instead.
  const userInfo = url.username
    ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : undefined;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const trackingUri = url.toString().replace(/\/+$/, '');
  return userInfo ? { trackingUri, userInfo } : { trackingUri };
}

function resolveExperiment(options: MlflowConnectionOptions, env: MlflowEnv): MlflowExperimentRef {
  const fromOptions = experimentFrom(options.experimentId, options.experimentName, 'option');
  if (fromOptions) return fromOptions;
  return experimentFrom(env.MLFLOW_EXPERIMENT_ID, env.MLFLOW_EXPERIMENT_NAME, 'environment') ?? {
    id: DEFAULT_EXPERIMENT_ID,
    source: 'default',
  };
}

function experimentFrom(
  id: string | undefined,
  name: string | undefined,
  source: SettingSource,
): MlflowExperimentRef | undefined {
  const experimentId = nonEmpty(id);
  if (experimentId) {
    if (!/^[0-9]+$/.test(experimentId)) {
      const setting = source === 'option' ? 'The experimentId option' : 'MLFLOW_EXPERIMENT_ID';
      throw new MlflowConfigError(
        `${setting} must be a numeric experiment id; to use an experiment by name set ` +
          `${source === 'option' ? 'the experimentName option' : 'MLFLOW_EXPERIMENT_NAME'} instead.`,
      );
    }
    return { id: experimentId, source };
  }
  const experimentName = nonEmpty(name);
  return experimentName ? { name: experimentName, source } : undefined;
}

function resolveAuth(
  options: MlflowConnectionOptions,
  env: MlflowEnv,
  userInfo: { username: string; password: string } | undefined,
): MlflowAuth {
  const fromOptions = authFrom(options.username, options.password, options.token, 'option');
  if (fromOptions) return fromOptions;
  if (userInfo) return { scheme: 'basic', ...userInfo, source: 'option' };
  return (
    authFrom(env.MLFLOW_TRACKING_USERNAME, env.MLFLOW_TRACKING_PASSWORD, env.MLFLOW_TRACKING_TOKEN, 'environment') ?? {
      scheme: 'none',
    }
  );
}

function authFrom(
  username: string | undefined,
  password: string | undefined,
  token: string | undefined,
  source: SettingSource,
): MlflowAuth | undefined {
  const names =
    source === 'option'
      ? { username: 'the username option', password: 'the password option' }
      : { username: 'MLFLOW_TRACKING_USERNAME', password: 'MLFLOW_TRACKING_PASSWORD' };
  const user = nonEmpty(username);
  // Passwords are taken as given: leading or trailing spaces may be part of them.
  const pass = password === '' ? undefined : password;
  if (user !== undefined && pass !== undefined) return { scheme: 'basic', username: user, password: pass, source };
  const [given, missing] = user !== undefined ? [names.username, names.password] : [names.password, names.username];
  if (user !== undefined || pass !== undefined) {
    throw new MlflowConfigError(`${given} is set but ${missing} is not: basic auth needs both.`);
  }
  const bearer = nonEmpty(token);
  return bearer ? { scheme: 'bearer', token: bearer, source } : undefined;
}

function resolveTimeout(timeoutMillis: number | undefined): number {
  if (timeoutMillis === undefined) return DEFAULT_TIMEOUT_MILLIS;
  if (!Number.isFinite(timeoutMillis) || timeoutMillis <= 0) {
    throw new MlflowConfigError('The timeoutMillis option must be a positive number of milliseconds.');
  }
  return timeoutMillis;
}

/** The Authorization header for the configured credentials, if any. */
export function authorizationHeader(auth: MlflowAuth): Record<string, string> {
  switch (auth.scheme) {
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'none':
      return {};
  }
}

/** Every secret the configuration holds, in every form it is sent, so messages can be scrubbed. */
export function secretsOf(auth: MlflowAuth): string[] {
  switch (auth.scheme) {
    case 'basic': {
      const header = authorizationHeader(auth).authorization ?? '';
      return [auth.password, header, header.slice('Basic '.length)];
    }
    case 'bearer':
      return [auth.token];
    case 'none':
      return [];
  }
}
