import { OtlpConfigError } from './config-error.js';
import { readVariable, variableNames, type ConfigSource, type Env } from './env.js';
import type { OtlpProtocol } from './options.js';
import { displayUrl } from './redact.js';

export interface ResolvedEndpoint {
  endpoint: string;
  endpointSource: ConfigSource;
  secure: boolean;
}

export const DEFAULT_HTTP_ENDPOINT = 'http://localhost:4318/v1/traces';
export const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';
const TRACES_PATH = 'v1/traces';
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Picks the endpoint (option, traces variable, generic variable, default) and makes it explicit
 * about TLS. HTTP: a generic endpoint gets `/v1/traces` appended, the others are used as given.
 * gRPC: the path is dropped, and an endpoint without a scheme is refused unless `insecure` says
 * which transport to use, because OpenTelemetry would silently pick TLS for it, which a local
 * collector such as Jaeger does not speak.
 */
export function resolveEndpoint(
  protocol: OtlpProtocol,
  option: string | undefined,
  env: Env,
  insecure: boolean | undefined,
  warnings: string[],
): ResolvedEndpoint {
  const [tracesVariable, genericVariable] = variableNames('ENDPOINT');
  const isGrpc = protocol === 'grpc';
  const candidates: [ConfigSource, string | undefined][] = [
    ['option', option?.trim() || undefined],
    [tracesVariable, readVariable(env, tracesVariable)],
    [genericVariable, readVariable(env, genericVariable)],
  ];
  const [source, raw] = candidates.find(([, value]) => value !== undefined) ?? [
    'default' as const,
    isGrpc ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT,
  ];

  if (isGrpc) return grpcEndpoint(raw!, source, insecure, warnings);
  return httpEndpoint(raw!, source, source === genericVariable);
}

function httpEndpoint(raw: string, source: ConfigSource, appendPath: boolean): ResolvedEndpoint {
  const url = appendPath ? appendTracesPath(raw) : raw;
  const parsed = parseUrl(url);
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new OtlpConfigError(
      `OTLP endpoint "${displayUrl(raw)}" ${describeEndpointSource(source)} is not an http:// or https:// URL ` +
        `(for example ${appendPath ? 'http://localhost:4318' : DEFAULT_HTTP_ENDPOINT}).`,
    );
  }
  return { endpoint: url, endpointSource: source, secure: parsed.protocol === 'https:' };
}

function grpcEndpoint(
  raw: string,
  source: ConfigSource,
  insecure: boolean | undefined,
  warnings: string[],
): ResolvedEndpoint {
  if (!HAS_SCHEME.test(raw)) {
    if (insecure === undefined) {
      throw new OtlpConfigError(
        `OTLP gRPC endpoint "${displayUrl(raw)}" ${describeEndpointSource(source)} has no scheme, which OpenTelemetry ` +
          `takes to mean TLS. Write http://${displayUrl(raw)} for a plaintext collector (such as a local Jaeger) ` +
          `or https://${displayUrl(raw)} for TLS (or set OTEL_EXPORTER_OTLP_INSECURE=true or false).`,
      );
    }
    return grpcEndpoint(`${insecure ? 'http' : 'https'}://${raw}`, source, undefined, warnings);
  }

  const parsed = parseUrl(raw);
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.host === '') {
    throw new OtlpConfigError(
      `OTLP gRPC endpoint "${displayUrl(raw)}" ${describeEndpointSource(source)} is not an http://host:port or ` +
        `https://host:port URL.`,
    );
  }
  if (parsed.pathname !== '/' && parsed.pathname !== '') {
    warnings.push(`The path ${parsed.pathname} of the gRPC endpoint ${describeEndpointSource(source)} was ignored: gRPC has no URL path.`);
  }
  return { endpoint: `${parsed.protocol}//${parsed.host}`, endpointSource: source, secure: parsed.protocol === 'https:' };
}

function appendTracesPath(url: string): string {
  return url.endsWith('/') ? url + TRACES_PATH : `${url}/${TRACES_PATH}`;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** "(from OTEL_EXPORTER_OTLP_ENDPOINT)", for messages that should say where a value came from. */
function describeEndpointSource(source: ConfigSource): string {
  if (source === 'option') return '(from the endpoint option)';
  if (source === 'default') return '(the default)';
  return `(from ${source})`;
}
