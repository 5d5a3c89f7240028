import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';

// Errors shaped exactly as the OTLP exporters 0.223 hand them over (seen against loopback servers).

const GRPC_NAMES: Record<number, string> = { 4: 'DEADLINE_EXCEEDED', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 12: 'UNIMPLEMENTED', 13: 'INTERNAL', 14: 'UNAVAILABLE', 16: 'UNAUTHENTICATED' };

/** What @grpc/grpc-js passes to the callback: an Error with a numeric code, details and metadata. */
export function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${GRPC_NAMES[code]}: ${details}`), { code, details, metadata: {} });
}

/** What the HTTP exporter reports for a status it does not retry. */
export function httpStatusError(status: number, statusText: string, body = ''): Error {
  return new OTLPExporterError(statusText, status, body);
}

/** What the HTTP exporter reports once its own retries on 429/502/503/504 ran out. */
export function httpRetriesExhausted(): Error {
  return new OTLPExporterError('Export failed with retryable status');
}

/** A Node socket error, as the HTTP exporter passes it on. */
export function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export const GRPC_REFUSED = grpcError(
  14,
  'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:4317. Resolution note: ',
);
