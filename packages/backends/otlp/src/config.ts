import { OtlpConfigError } from './config-error.js';
import { resolveEndpoint } from './endpoint.js';
import { readVariable, variableNames, type ConfigSource, type Env } from './env.js';
import { headerProblem, mergeHeaders, parseOtlpHeaders } from './headers.js';
import type { OtlpCompression, OtlpConnectionOptions, OtlpProtocol, Pem } from './options.js';

/** Certificate or key material: given as PEM, or named by a variable as a file to read. */
export type TlsMaterial = { pem: Pem } | { file: string; variable: string };

export interface ResolvedTls {
  certificate?: TlsMaterial;
  clientKey?: TlsMaterial;
  clientCertificate?: TlsMaterial;
}

export interface ResolvedOtlpConfig {
  protocol: OtlpProtocol;
  /** With a scheme; for gRPC only `scheme://host:port`. */
  endpoint: string;
  endpointSource: ConfigSource;
  /** True when the endpoint uses TLS. */
  secure: boolean;
  headers: Record<string, string>;
  /** The option and variables that contributed headers, in precedence order (lowest first). */
  headerSources: ConfigSource[];
  compression: OtlpCompression;
  timeoutMillis: number;
  /** TLS material, only when the endpoint uses TLS. */
  tls: ResolvedTls;
  /** Settings that were ignored, and why. Never contains header values. */
  warnings: string[];
}

export const DEFAULT_PROTOCOL: OtlpProtocol = 'http/protobuf';
export const DEFAULT_TIMEOUT_MILLIS = 10_000;
const PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf', 'http/json'];
const COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'none'];

/**
 * Resolves the exporter settings with the OTel SDKs' precedence: explicit option, then
 * `OTEL_EXPORTER_OTLP_TRACES_*`, then `OTEL_EXPORTER_OTLP_*`, then the OTLP default. Pure: it
 * reads no files and logs nothing. An unusable variable value is skipped with a warning (as the
 * specification asks); an unusable option, or an endpoint that cannot be used safely, throws.
 */
export function resolveOtlpConfig(options: OtlpConnectionOptions = {}, env: Env = process.env): ResolvedOtlpConfig {
  const warnings: string[] = [];
  const fromEnv = <T>(setting: string, parse: (raw: string) => T | undefined, expected: string) => {
    for (const name of variableNames(setting)) {
      const raw = readVariable(env, name);
      if (raw === undefined) continue;
      const value = parse(raw);
      if (value !== undefined) return value;
      warnings.push(`${name}="${raw}" was ignored: expected ${expected}.`);
    }
    return undefined;
  };

  const protocol =
    checkOption('protocol', options.protocol, (value) => PROTOCOLS.includes(value), PROTOCOLS.join(', ')) ??
    fromEnv('PROTOCOL', (raw) => PROTOCOLS.find((p) => p === raw.toLowerCase()), PROTOCOLS.join(', ')) ??
    DEFAULT_PROTOCOL;

  const timeoutMillis =
    checkOption('timeoutMillis', options.timeoutMillis, isPositiveNumber, 'a number of milliseconds above 0') ??
    fromEnv('TIMEOUT', (raw) => numberAbove0(raw), 'a number of milliseconds above 0') ??
    DEFAULT_TIMEOUT_MILLIS;

  const compression =
    checkOption('compression', options.compression, (value) => COMPRESSIONS.includes(value), COMPRESSIONS.join(', ')) ??
    fromEnv('COMPRESSION', (raw) => COMPRESSIONS.find((c) => c === raw.toLowerCase()), COMPRESSIONS.join(' or ')) ??
    'none';

  const insecure = options.insecure ?? fromEnv('INSECURE', parseBoolean, 'true or false');
  const endpoint = resolveEndpoint(protocol, options.endpoint, env, insecure, warnings);

  const { headers, headerSources } = resolveHeaders(options.headers, env, warnings);
  const tls = resolveTls(options, env, endpoint.secure, endpoint.endpoint, warnings);

  return { protocol, ...endpoint, headers, headerSources, compression, timeoutMillis, tls, warnings };
}

function checkOption<T>(name: string, value: T | undefined, isValid: (value: T) => boolean, expected: string) {
  if (value === undefined) return undefined;
  if (!isValid(value)) throw new OtlpConfigError(`OTLP exporter option ${name}=${String(value)} is invalid: expected ${expected}.`);
  return value;
}

function isPositiveNumber(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}

function numberAbove0(raw: string): number | undefined {
  const value = Number(raw);
  return isPositiveNumber(value) ? value : undefined;
}

function parseBoolean(raw: string): boolean | undefined {
  const lower = raw.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function resolveHeaders(option: Record<string, string> | undefined, env: Env, warnings: string[]) {
  const headerSources: ConfigSource[] = [];
  const sets: Record<string, string>[] = [];
  // Lowest precedence first: generic variable, traces variable, option.
  for (const name of variableNames('HEADERS').reverse()) {
    const raw = readVariable(env, name);
    if (raw === undefined) continue;
    const { headers, problems } = parseOtlpHeaders(raw);
    for (const problem of problems) warnings.push(`${name}: header ${problem}.`);
    if (Object.keys(headers).length > 0) {
      headerSources.push(name as ConfigSource);
      sets.push(headers);
    }
  }
  if (option !== undefined && Object.keys(option).length > 0) {
    for (const [name, value] of Object.entries(option)) {
      const problem = headerProblem(name, String(value));
      if (problem !== undefined) throw new OtlpConfigError(`OTLP exporter option headers: header ${problem}.`);
    }
    headerSources.push('option');
    sets.push(option);
  }
  return { headers: mergeHeaders(...sets), headerSources };
}

const TLS_SETTINGS = [
  ['certificate', 'CERTIFICATE'],
  ['clientKey', 'CLIENT_KEY'],
  ['clientCertificate', 'CLIENT_CERTIFICATE'],
] as const;

function resolveTls(
  options: OtlpConnectionOptions,
  env: Env,
  secure: boolean,
  endpoint: string,
  warnings: string[],
): ResolvedTls {
  const tls: ResolvedTls = {};
  for (const [option, setting] of TLS_SETTINGS) {
    const pem = options[option];
    if (pem !== undefined) {
      tls[option] = { pem };
      continue;
    }
    const variable = variableNames(setting).find((name) => readVariable(env, name) !== undefined);
    if (variable !== undefined) tls[option] = { file: readVariable(env, variable)!, variable };
  }

  const given = TLS_SETTINGS.filter(([option]) => tls[option] !== undefined).map(([option]) => option);
  if (given.length === 0) return tls;
  if (!secure) {
    warnings.push(
      `TLS settings (${given.join(', ')}) were ignored: the endpoint ${endpoint} is plaintext. Write https:// to use TLS.`,
    );
    return {};
  }
  if ((tls.clientKey === undefined) !== (tls.clientCertificate === undefined)) {
    const missing = tls.clientKey === undefined ? 'client key' : 'client certificate';
    warnings.push(`Mutual TLS needs a client key and a client certificate; the ${missing} is missing, so neither is used.`);
    delete tls.clientKey;
    delete tls.clientCertificate;
  }
  return tls;
}
