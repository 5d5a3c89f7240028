import { classifyExportError, type ExportProblem, type ExportProblemKind } from './classify-error.js';
import type { ResolvedOtlpConfig } from './config.js';
import { displayUrl, listHeaderNames, redactHeaderValues } from './redact.js';

export interface ExportErrorDescription extends ExportProblem {
  /** One sentence or two a user can act on; holds no header value. */
  message: string;
}

export type DescribeConfig = Pick<
  ResolvedOtlpConfig,
  'protocol' | 'endpoint' | 'endpointSource' | 'secure' | 'headers' | 'headerSources' | 'timeoutMillis'
>;

interface MessageContext {
  problem: ExportProblem;
  config: DescribeConfig;
  /** The endpoint as shown to the user. */
  endpoint: string;
}

/** Says what went wrong with an export and what to do about it, without any header value. */
export function describeExportError(error: unknown, config: DescribeConfig): ExportErrorDescription {
  const problem = classifyExportError(error);
  const context: MessageContext = {
    problem: { ...problem, reason: redactHeaderValues(problem.reason, config.headers) },
    config,
    endpoint: displayUrl(config.endpoint),
  };
  return { ...context.problem, message: redactHeaderValues(MESSAGES[problem.kind](context), config.headers) };
}

const MESSAGES: Record<ExportProblemKind, (context: MessageContext) => string> = {
  'connection-refused': ({ endpoint, config }) =>
    `could not reach the OTLP endpoint ${endpoint} (connection refused): is the collector running and listening ` +
    `on that port?${sourceHint(config)}`,
  'host-not-found': ({ endpoint, problem, config }) =>
    `could not resolve the host of the OTLP endpoint ${endpoint} (${problem.reason}): check the host name.` +
    sourceHint(config),
  'connection-lost': ({ endpoint, problem, config }) =>
    `the connection to the OTLP endpoint ${endpoint} was lost (${problem.reason}).${tlsHint(config)}`,
  timeout: ({ endpoint, problem, config }) =>
    `the OTLP endpoint ${endpoint} did not answer within ${config.timeoutMillis} ms (${problem.reason}): is the ` +
    `collector overloaded, or are packets dropped on the way? If it is only slow, raise OTEL_EXPORTER_OTLP_TIMEOUT ` +
    `or the timeoutMillis option.`,
  'tls-mismatch': ({ endpoint, problem, config }) =>
    config.secure
      ? `the TLS handshake with the OTLP endpoint ${endpoint} failed (${problem.reason}): the server does not seem ` +
        `to speak TLS. For a plaintext collector write ${displayUrl(withScheme(config.endpoint, 'http'))}.`
      : `the OTLP endpoint ${endpoint} failed at the TLS level (${problem.reason}).${tlsHint(config)}`,
  'tls-certificate': ({ endpoint, problem }) =>
    `the OTLP endpoint ${endpoint} presented a TLS certificate that was not accepted (${problem.reason}). If the ` +
    `collector uses a private CA, set OTEL_EXPORTER_OTLP_CERTIFICATE (or the certificate option) to that CA's ` +
    `certificate.`,
  'protocol-mismatch': ({ endpoint, problem, config }) =>
    config.protocol === 'grpc'
      ? `the OTLP endpoint ${endpoint} does not speak gRPC (${problem.reason}): is it the OTLP/HTTP port? Collectors ` +
        `usually take gRPC on 4317 and OTLP/HTTP on 4318; or set the protocol to http/protobuf.`
      : `the OTLP endpoint ${endpoint} does not speak HTTP/1.1 (${problem.reason}): is it the gRPC port? Collectors ` +
        `usually take OTLP/HTTP on 4318 and gRPC on 4317; or set the protocol to grpc.`,
  unauthorized: ({ endpoint, problem, config }) =>
    `the OTLP endpoint ${endpoint} refused the credentials (${problem.reason}): check OTEL_EXPORTER_OTLP_HEADERS` +
    `${headerSourceHint(config)}. ${sentHeaders(config)}`,
  'not-found': ({ endpoint, problem, config }) =>
    config.protocol === 'grpc'
      ? `the OTLP endpoint ${endpoint} does not serve the OTLP trace service (${problem.reason}): is it the OTLP/HTTP ` +
        `port? gRPC collectors usually listen on 4317.`
      : `the OTLP endpoint ${endpoint} answered ${problem.reason}: OTLP/HTTP collectors take traces at the path ` +
        `/v1/traces.${tracesPathHint(config)}`,
  unavailable: ({ endpoint, problem, config }) =>
    `the OTLP endpoint ${endpoint} is unavailable (${problem.reason}).` +
    (/Failed to connect|Connection dropped/.test(problem.reason) ? tlsHint(config) : ''),
  rejected: ({ endpoint, problem }) =>
    `the OTLP endpoint ${endpoint} rejected the spans (${problem.reason}).` +
    (problem.status === 413 ? ` The batch is too large for it: lower the span processor's maxExportBatchSize.` : ''),
  'not-otlp': ({ endpoint, problem }) =>
    `${problem.reason} answered at ${endpoint} (HTTP ${problem.status ?? '2xx'}); is this URL behind a login or proxy? ` +
    `The spans were not accepted: an OTLP/HTTP collector answers with application/x-protobuf or application/json.`,
  aborted: ({ endpoint }) =>
    `an export to the OTLP endpoint ${endpoint} was still waiting for an answer when the exporter shut down, and was aborted.`,
  unknown: ({ endpoint, problem }) => `exporting spans to the OTLP endpoint ${endpoint} failed (${problem.reason}).`,
};

function sourceHint(config: DescribeConfig): string {
  if (config.endpointSource === 'default') {
    return ' This is the default endpoint: set OTEL_EXPORTER_OTLP_ENDPOINT or the endpoint option to change it.';
  }
  if (config.endpointSource === 'option') return ' The endpoint comes from the endpoint option.';
  return ` The endpoint comes from ${config.endpointSource}.`;
}

function tlsHint(config: DescribeConfig): string {
  return config.secure ? '' : ` If the collector only accepts TLS, write ${displayUrl(withScheme(config.endpoint, 'https'))}.`;
}

function headerSourceHint(config: DescribeConfig): string {
  const others = config.headerSources
    .filter((source) => source !== 'OTEL_EXPORTER_OTLP_HEADERS')
    .map((source) => (source === 'option' ? 'the headers option' : source));
  return others.length === 0 ? '' : ` (headers also come from ${others.join(' and ')})`;
}

function sentHeaders(config: DescribeConfig): string {
  const names = listHeaderNames(config.headers);
  return names === '' ? 'No headers were sent.' : `Headers sent: ${names}.`;
}

function tracesPathHint(config: DescribeConfig): string {
  const url = new URL(config.endpoint);
  if (url.pathname.endsWith('/v1/traces')) return '';
  return (
    ` Did you mean ${displayUrl(`${url.origin}/v1/traces`)}? The endpoint option and ` +
    `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT are used as given; only OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces appended.`
  );
}

function withScheme(endpoint: string, scheme: 'http' | 'https'): string {
  return endpoint.replace(/^[a-z][a-z0-9+.-]*:\/\//i, `${scheme}://`);
}
