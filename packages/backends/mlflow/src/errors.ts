/**
 * What went wrong talking to MLflow, in words a user can act on. Messages name the server and the
 * HTTP status and never hold a credential: server text is scrubbed of every configured secret.
 */
import type { MlflowAuth } from './config.js';

export type MlflowErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'unknown-experiment'
  | 'deleted-experiment'
  | 'no-otlp-endpoint'
  | 'file-store'
  | 'rejected'
  | 'server-error'
  | 'not-mlflow'
  | 'aborted'
  | 'unknown';

/** A failed exchange with MLflow, as the transport reported it. */
export type MlflowFailure =
  /** No HTTP answer: `code` is the socket error code (ECONNREFUSED, ENOTFOUND, …) if there was one. */
  | { type: 'network'; code?: string; detail?: string }
  | { type: 'timeout' }
  | { type: 'http'; status: number; body?: string }
  /** A success status whose body is not what MLflow answers: a login page, a proxy, another server. */
  | { type: 'not-mlflow'; status: number; url: string; what: string }
  /** A request still out when the exporter shut down. */
  | { type: 'aborted' };

export interface MlflowErrorContext {
  /** The tracking server as shown to users (no credentials). */
  trackingUri: string;
  /** What was being done, e.g. "export spans" or "look up experiment 'support'". */
  operation: string;
  /** The experiment spans were sent to, when known. */
  experimentId?: string;
  auth: MlflowAuth;
  timeoutMillis?: number;
  /** Strings never to repeat (password, token, the Authorization header). */
  secrets: readonly string[];
}

export interface MlflowErrorDescription {
  kind: MlflowErrorKind;
  message: string;
  status?: number;
}

/**
 * An error from this package: `kind` says which problem, `message` what to do about it, and
 * `retryable` whether sending the same batch again later can succeed (the server was down, busy or
 * failing), as opposed to a setting that has to change first.
 */
export class MlflowError extends Error {
  override name = 'MlflowError';
  readonly kind: MlflowErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(description: MlflowErrorDescription) {
    super(description.message);
    this.kind = description.kind;
    this.status = description.status;
    this.retryable = isRetryable(description.kind, description.status);
  }
}

function isRetryable(kind: MlflowErrorKind, status: number | undefined): boolean {
  switch (kind) {
    case 'unreachable':
    case 'timeout':
      return true;
    case 'server-error':
      return status !== 501;
    case 'rejected':
      return status === 408 || status === 429;
    default:
      return false;
  }
}

const REDACTED = '[REDACTED]';
const MAX_SERVER_TEXT = 300;

/** Says what went wrong and what to do. Pure. */
export function describeMlflowError(failure: MlflowFailure, context: MlflowErrorContext): MlflowErrorDescription {
  const described = describe(failure, context);
  return { ...described, message: redact(described.message, context.secrets) };
}

function describe(failure: MlflowFailure, context: MlflowErrorContext): MlflowErrorDescription {
  const server = `MLflow at ${context.trackingUri}`;
  switch (failure.type) {
    case 'network': {
      const reason = failure.code ?? failure.detail ?? 'network error';
      if (failure.code === 'ENOTFOUND' || failure.code === 'EAI_AGAIN') {
        return {
          kind: 'unreachable',
          message: `could not reach ${server} (${reason}): the host name does not resolve. Check MLFLOW_TRACKING_URI.`,
        };
      }
      return {
        kind: 'unreachable',
        message:
          `could not reach ${server} (${reason}): is \`mlflow server\` running? Start one with ` +
          '`mlflow server --backend-store-uri sqlite:///mlflow.db`, or point MLFLOW_TRACKING_URI at yours.',
      };
    }
    case 'timeout':
      return {
        kind: 'timeout',
        message:
          `${server} did not answer within ${context.timeoutMillis ?? '?'} ms while trying to ${context.operation}: ` +
          'is the server overloaded? Raise the timeoutMillis option if it is only slow.',
      };
    case 'http':
      return describeHttp(failure.status, parseServerError(failure.body), server, context);
    case 'not-mlflow':
      return { kind: 'not-mlflow', status: failure.status, message: describeNotMlflow(failure, context) };
    case 'aborted':
      return {
        kind: 'aborted',
        message: `a request to ${server} (to ${context.operation}) was still waiting for an answer when the exporter shut down, and was aborted.`,
      };
  }
}

interface ServerError {
  errorCode?: string;
  text: string;
}

/** MLflow answers `{"error_code", "message"}` from its REST layer and `{"detail"}` from FastAPI routes. */
function parseServerError(body: string | undefined): ServerError {
  if (!body) return { text: '' };
  try {
    const parsed = JSON.parse(body) as { error_code?: unknown; message?: unknown; detail?: unknown };
    const text = [parsed.message, parsed.detail].find((v): v is string => typeof v === 'string') ?? '';
    return typeof parsed.error_code === 'string' ? { errorCode: parsed.error_code, text } : { text };
  } catch {
    // An HTML page (a route the server does not have) or a proxy's text: too noisy to quote.
    return { text: '' };
  }
}

function describeHttp(
  status: number,
  error: ServerError,
  server: string,
  context: MlflowErrorContext,
): MlflowErrorDescription {
  const said = error.text ? `: ${clip(error.text)}` : '';
  const exporting = context.operation === 'export spans';
  if (status === 401) {
    return {
      kind: 'unauthorized',
      status,
      message: `${server} refused the credentials (HTTP 401) while trying to ${context.operation}: ${authAdvice(context.auth)}`,
    };
  }
  if (status === 403) {
    return {
      kind: 'forbidden',
      status,
      message:
        `${server} denied access (HTTP 403) while trying to ${context.operation}${said}. The credentials were ` +
        `accepted but lack permission${context.experimentId ? ` on experiment ${context.experimentId}` : ''}: ` +
        `ask the server's admin for EDIT on the experiment, or use another account (${credentialVariables(context.auth)}).`,
    };
  }
  if (status === 404 && error.errorCode === 'RESOURCE_DOES_NOT_EXIST' && /experiment/i.test(error.text)) {
    return {
      kind: 'unknown-experiment',
      status,
      message:
        `${server} has no experiment ${context.experimentId ? `with id ${context.experimentId} ` : ''}(HTTP 404): ` +
        'check MLFLOW_EXPERIMENT_ID (or the experimentId option), or set MLFLOW_EXPERIMENT_NAME to have an ' +
        'experiment created by name.',
    };
  }
  if (status === 404 && exporting) {
    return {
      kind: 'no-otlp-endpoint',
      status,
      message:
        `${server} does not accept traces at /v1/traces (HTTP 404): MLflow ≥ 3.6 with a SQL backend store is ` +
        'needed (`pip install "mlflow>=3.6"`), and MLFLOW_TRACKING_URI must be the server\'s root URL.',
    };
  }
  if (status === 501 && exporting) {
    return {
      kind: 'file-store',
      status,
      message:
        `${server} cannot store traces sent over OTLP (HTTP 501${said}): its backend store is a file store. ` +
        'Start the server with --backend-store-uri sqlite:///mlflow.db or a database URI.',
    };
  }
  if (status >= 500) {
    return { kind: 'server-error', status, message: `${server} failed to ${context.operation} (HTTP ${status}${said}).` };
  }
  if (status >= 400) {
    const message = `${server} rejected the request to ${context.operation} (HTTP ${status}${said}).`;
    return { kind: 'rejected', status, message };
  }
  const message = `${server} gave an unexpected answer to ${context.operation} (HTTP ${status}${said}).`;
  return { kind: 'unknown', status, message };
}

/** What answered instead of MLflow, in a few words. */
export function describeBody(body: string, contentType: string | undefined): string {
  if (/html/i.test(contentType ?? '') || /^\s*</.test(body)) return 'an HTML page';
  if (body.trim() === '') return 'an empty answer';
  return `an answer that is not MLflow's JSON (${contentType ?? 'no content type'})`;
}

function describeNotMlflow(failure: Extract<MlflowFailure, { type: 'not-mlflow' }>, context: MlflowErrorContext): string {
  return (
    `${failure.what} answered at ${failure.url} (HTTP ${failure.status}) while trying to ` +
    `${context.operation}; is this URL behind a login or proxy, or not an MLflow tracking server? ` +
    'MLFLOW_TRACKING_URI must be the MLflow server\'s root URL.'
  );
}

function authAdvice(auth: MlflowAuth): string {
  switch (auth.scheme) {
    case 'none':
      return (
        'no credentials were sent. Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (basic auth) or ' +
        'MLFLOW_TRACKING_TOKEN (bearer token).'
      );
    case 'basic':
      return `basic auth was sent for user "${auth.username}". Check ${credentialVariables(auth)}.`;
    case 'bearer':
      return `a bearer token was sent. Check ${credentialVariables(auth)}.`;
  }
}

function credentialVariables(auth: MlflowAuth): string {
  if (auth.scheme === 'bearer') {
    return auth.source === 'option' ? 'the token option' : 'MLFLOW_TRACKING_TOKEN';
  }
  if (auth.scheme === 'basic' && auth.source === 'option') return 'the username and password options';
  return 'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD';
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_SERVER_TEXT ? `${oneLine.slice(0, MAX_SERVER_TEXT)}…` : oneLine;
}

function redact(text: string, secrets: readonly string[]): string {
  return [...secrets]
    .filter((secret) => secret.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((scrubbed, secret) => scrubbed.split(secret).join(REDACTED), text);
}

/** Turns what a transport threw or reported into an MlflowFailure. */
export function failureFromError(error: unknown): MlflowFailure {
  const record = asRecord(error);
  // Before the status check: a DOMException has a numeric `code` too.
  if (record?.name === 'TimeoutError' || record?.message === 'Request timed out') return { type: 'timeout' };
  if (record?.name === 'NotOtlpResponseError') {
    return { type: 'not-mlflow', status: Number(record.status), url: String(record.url), what: String(record.what) };
  }
  if (record?.name === 'ExportAbortedError' || record?.name === 'AbortError') return { type: 'aborted' };
  // OTLPExporterError: `code` is the HTTP status and `data` the response body.
  if (record?.name === 'OTLPExporterError' && typeof record.code === 'number') {
    return { type: 'http', status: record.code, ...(typeof record.data === 'string' ? { body: record.data } : {}) };
  }
  // fetch wraps the socket error in `cause`; Node's http module throws it directly.
  const socketCode = stringField(asRecord(record?.cause), 'code') ?? stringField(record, 'code');
  const detail = stringField(record, 'message');
  return { type: 'network', ...(socketCode ? { code: socketCode } : {}), ...(detail ? { detail } : {}) };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value ? value : undefined;
}
