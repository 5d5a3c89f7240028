/**
 * Metrics export settings from the standard OpenTelemetry variables, read from the `env` the
 * set-up was given (not `process.env` behind its back).
 */

export type MetricsProtocol = 'http/protobuf' | 'http/json';
export type TemporalityPreference = 'cumulative' | 'delta' | 'lowmemory';

export interface MetricsExportConfig {
  /** Where metrics are posted, `/v1/metrics` included. */
  url: string;
  protocol: MetricsProtocol;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  timeoutMillis: number;
  temporality: TemporalityPreference;
  exportIntervalMillis: number;
  exportTimeoutMillis: number;
}

/** No metrics export, and why: nothing asked for it, or a setting that cannot work. */
export interface MetricsOff {
  off: true;
  /** Set when a variable asked for metrics that cannot be sent: what to change. */
  problem?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULTS = { timeoutMillis: 10_000, exportIntervalMillis: 60_000, exportTimeoutMillis: 30_000 };

const read = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/** The metrics-specific variable first, then the generic one. */
const setting = (env: Env, name: string): string | undefined =>
  read(env, `OTEL_EXPORTER_OTLP_METRICS_${name}`) ?? read(env, `OTEL_EXPORTER_OTLP_${name}`);

const millis = (value: string | undefined, fallback: number): number => {
  const parsed = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
};

/** `key=value,key2=value2`, values URL-encoded, as the OTLP exporter specification says. */
export function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    try {
      headers[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      headers[key] = pair.slice(at + 1).trim();
    }
  }
  return headers;
}

/** True when an endpoint variable asks for OTLP metrics. */
export const metricsEnvConfigured = (env: Env): boolean =>
  read(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') !== undefined || read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined;

export function resolveMetricsConfig(env: Env): MetricsExportConfig | MetricsOff {
  const exporter = read(env, 'OTEL_METRICS_EXPORTER')?.toLowerCase();
  if (exporter === 'none') return { off: true };
  const specific = read(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT');
  const generic = read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (specific === undefined && generic === undefined) return { off: true };
  const url = specific ?? `${generic!.replace(/\/+$/, '')}/v1/metrics`;
  try {
    new URL(url);
  } catch {
    return { off: true, problem: `the OTLP metrics endpoint "${url}" is not a URL: write it as http://host:port.` };
  }
  const protocol = setting(env, 'PROTOCOL') ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    return {
      off: true,
      problem: `metrics are sent over OTLP/HTTP only, not "${protocol}": set OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/protobuf and an HTTP endpoint, or OTEL_METRICS_EXPORTER=none.`,
    };
  }
  const temporality = (read(env, 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE') ?? 'cumulative').toLowerCase();
  if (temporality !== 'cumulative' && temporality !== 'delta' && temporality !== 'lowmemory') {
    return {
      off: true,
      problem: `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE is "${temporality}": use cumulative, delta or lowmemory.`,
    };
  }
  return {
    url,
    protocol,
    headers: parseHeaders(setting(env, 'HEADERS')),
    compression: setting(env, 'COMPRESSION') === 'gzip' ? 'gzip' : 'none',
    timeoutMillis: millis(setting(env, 'TIMEOUT'), DEFAULTS.timeoutMillis),
    temporality,
    exportIntervalMillis: millis(read(env, 'OTEL_METRIC_EXPORT_INTERVAL'), DEFAULTS.exportIntervalMillis),
    exportTimeoutMillis: millis(read(env, 'OTEL_METRIC_EXPORT_TIMEOUT'), DEFAULTS.exportTimeoutMillis),
  };
}
