/**
 * What went wrong with an export, from the errors the OTLP exporters 0.223 hand back:
 * - gRPC: the @grpc/grpc-js ServiceError as is ({code: number, details}); connection problems all
 *   arrive as UNAVAILABLE, told apart only by the text in `details`.
 * - HTTP: a Node network error ({code: 'ECONNREFUSED', …}), or an OTLPExporterError whose `code` is
 *   the HTTP status; after the exporter's own retries on 429/502/503/504 it has no status at all,
 *   only the message "Export failed with retryable status".
 */
export type ExportProblemKind =
  | 'connection-refused'
  | 'host-not-found'
  | 'connection-lost'
  | 'timeout'
  | 'tls-mismatch'
  | 'tls-certificate'
  | 'protocol-mismatch'
  | 'unauthorized'
  | 'not-found'
  | 'unavailable'
  | 'rejected'
  | 'not-otlp'
  | 'aborted'
  | 'unknown';

export interface ExportProblem {
  kind: ExportProblemKind;
  /** Worth trying again: the collector may be restarting or overloaded. */
  retryable: boolean;
  /** The cause in a few words, as the transport told it (may hold server text). */
  reason: string;
  /** HTTP status or gRPC status name, when there is one. */
  status?: number | string;
}

const RETRYABLE: Record<ExportProblemKind, boolean> = {
  'connection-refused': true,
  'host-not-found': true, // a collector's DNS name can vanish while its container restarts
  'connection-lost': true,
  timeout: true,
  'tls-mismatch': false,
  'tls-certificate': false,
  'protocol-mismatch': false,
  unauthorized: false,
  'not-found': false,
  unavailable: true,
  rejected: false,
  'not-otlp': false,
  aborted: false,
  unknown: false,
};

// gRPC status codes (fixed by the gRPC specification).
const GRPC_STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

const GRPC_KIND: Partial<Record<(typeof GRPC_STATUS_NAMES)[number], ExportProblemKind>> = {
  DEADLINE_EXCEEDED: 'timeout',
  UNAUTHENTICATED: 'unauthorized',
  PERMISSION_DENIED: 'unauthorized',
  UNIMPLEMENTED: 'not-found',
  // The statuses OTLP calls retryable; the gRPC exporter itself retries none of them.
  CANCELLED: 'unavailable',
  RESOURCE_EXHAUSTED: 'unavailable',
  ABORTED: 'unavailable',
  OUT_OF_RANGE: 'unavailable',
  DATA_LOSS: 'unavailable',
};

const HTTP_RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const NETWORK_KINDS: Record<string, ExportProblemKind> = {
  ECONNREFUSED: 'connection-refused',
  ENOTFOUND: 'host-not-found',
  EAI_AGAIN: 'host-not-found',
  ECONNRESET: 'connection-lost',
  EPIPE: 'connection-lost',
  ECONNABORTED: 'connection-lost',
  ENETUNREACH: 'connection-lost',
  EHOSTUNREACH: 'connection-lost',
  ETIMEDOUT: 'timeout',
};

// TLS failures as OpenSSL and Node word them, in grpc-js details and in Node error codes.
const TLS_MISMATCH = /wrong version number|WRONG_VERSION_NUMBER|packet length too long|http request|EPROTO/i;
const TLS_CERTIFICATE =
  /certificate|CERT_|SELF_SIGNED|unable[ _]to[ _](verify|get)|altname|Hostname\/IP does not match/i;

export function classifyExportError(error: unknown): ExportProblem {
  if (isGrpcServiceError(error)) return classifyGrpc(error);
  if (isErrorLike(error)) {
    if (error.name === 'OTLPExporterError') return classifyHttpStatus(error);
    if (error.name === 'NotOtlpResponseError') {
      const { what, status } = error as ErrorLike & { what?: unknown; status?: unknown };
      return problem('not-otlp', typeof what === 'string' ? what : error.message, typeof status === 'number' ? status : undefined);
    }
    if (error.name === 'ExportAbortedError') return problem('aborted', error.message);
    if (typeof error.code === 'string') return classifyNetwork(error.code, error.message);
    if (error.message === 'Request timed out') return problem('timeout', 'request timed out');
    return problem('unknown', error.message);
  }
  return problem('unknown', String(error));
}

function problem(kind: ExportProblemKind, reason: string, status?: number | string): ExportProblem {
  const found: ExportProblem = { kind, retryable: RETRYABLE[kind], reason };
  if (status !== undefined) found.status = status;
  return found;
}

interface GrpcServiceError {
  code: number;
  details: string;
  message: string;
}

function isGrpcServiceError(error: unknown): error is GrpcServiceError {
  return isErrorLike(error) && typeof error.code === 'number' && typeof (error as { details?: unknown }).details === 'string';
}

interface ErrorLike {
  name: string;
  message: string;
  code?: unknown;
  data?: unknown;
}

function isErrorLike(error: unknown): error is ErrorLike {
  return error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error);
}

function classifyGrpc(error: GrpcServiceError): ExportProblem {
  const status = GRPC_STATUS_NAMES[error.code] ?? `status ${error.code}`;
  const details = shortenOpenSslError(cleanGrpcDetails(error.details));
  const reason = details === '' ? status : `${status}: ${details}`;
  if (status === 'UNAVAILABLE') {
    if (/ECONNREFUSED/.test(details)) return problem('connection-refused', 'connection refused', status);
    if (/Name resolution failed|ENOTFOUND|EAI_AGAIN/.test(details)) return problem('host-not-found', reason, status);
    if (TLS_MISMATCH.test(details)) return problem('tls-mismatch', reason, status);
    if (TLS_CERTIFICATE.test(details)) return problem('tls-certificate', reason, status);
    if (/Protocol error/.test(details)) return problem('protocol-mismatch', reason, status);
    return problem('unavailable', reason, status);
  }
  const kind = status in GRPC_KIND ? GRPC_KIND[status as keyof typeof GRPC_KIND]! : 'rejected';
  return problem(kind, reason, status);
}

/** grpc-js appends noise ("Resolution note:", a timestamp) that would make every message differ. */
function cleanGrpcDetails(details: string): string {
  return details
    .replace(/\s*Resolution note:.*$/s, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/g, '')
    .replace(/^No connection established\. Last error: (Error: )?/, '')
    .replace(/[\s.:]+$/, '')
    .trim();
}

function classifyHttpStatus(error: ErrorLike): ExportProblem {
  const status = typeof error.code === 'number' ? error.code : undefined;
  if (status === undefined) {
    // What the HTTP exporter reports once its own retries on 429/502/503/504 ran out.
    return problem('unavailable', 'kept answering 429, 502, 503 or 504');
  }
  const body = typeof error.data === 'string' ? error.data.trim().replace(/\s+/g, ' ').slice(0, 200) : '';
  const reason = `${status}${error.message ? ` ${error.message}` : ''}${body ? `: ${body}` : ''}`;
  if (status === 401 || status === 403) return problem('unauthorized', reason, status);
  if (status === 404) return problem('not-found', reason, status);
  if (HTTP_RETRYABLE_STATUSES.has(status)) return problem('unavailable', reason, status);
  return problem('rejected', reason, status);
}

function classifyNetwork(code: string, message: string): ExportProblem {
  const kind = NETWORK_KINDS[code];
  if (kind === 'connection-refused') return problem(kind, 'connection refused');
  if (kind !== undefined) return problem(kind, message);
  if (code.startsWith('HPE_')) return problem('protocol-mismatch', message);
  if (TLS_MISMATCH.test(code) || TLS_MISMATCH.test(message)) return problem('tls-mismatch', shortenOpenSslError(message));
  if (TLS_CERTIFICATE.test(code) || TLS_CERTIFICATE.test(message) || code.startsWith('ERR_TLS_')) {
    return problem('tls-certificate', message);
  }
  return problem('unknown', message);
}

/** "C0DC…:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:…" → "TLS: wrong version number". */
function shortenOpenSslError(text: string): string {
  const match = /SSL routines:[^:]*:([^:]+)/.exec(text);
  return match ? `TLS: ${match[1]!.trim()}` : text;
}
