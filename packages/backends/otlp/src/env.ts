export type Env = Readonly<Record<string, string | undefined>>;

/** Where a setting came from: an option, a variable, or the OTLP default. */
export type ConfigSource = 'option' | 'default' | `OTEL_${string}`;

/** The signal-specific variable first, then the generic one: the precedence every OTel SDK uses. */
export function variableNames(setting: string): [traces: `OTEL_${string}`, generic: `OTEL_${string}`] {
  return [`OTEL_EXPORTER_OTLP_TRACES_${setting}`, `OTEL_EXPORTER_OTLP_${setting}`];
}

/** Blank counts as unset, as in the OTel SDKs. */
export function readVariable(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** True when an OTLP endpoint variable is set, so a set-up helper can choose OTLP on its own. */
export function isOtlpConfigured(env: Env = process.env): boolean {
  return variableNames('ENDPOINT').some((name) => readVariable(env, name) !== undefined);
}
