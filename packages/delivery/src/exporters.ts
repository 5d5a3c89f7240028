import type { SpanExporter } from '@opentelemetry/sdk-trace';

/** Settings passed through to `@agents-tracing/exporter-otlp` / `@agents-tracing/exporter-mlflow`. */
export type ExporterSettings = Record<string, unknown>;

interface OtlpModule {
  createOtlpSpanExporter(options?: ExporterSettings, env?: NodeJS.ProcessEnv): SpanExporter;
  isOtlpConfigured(env: NodeJS.ProcessEnv): boolean;
}

interface MlflowModule {
  createMlflowSpanExporter(options?: ExporterSettings, env?: NodeJS.ProcessEnv): SpanExporter;
  isMlflowConfigured(env: NodeJS.ProcessEnv): boolean;
}

export const OTLP_PACKAGE = '@agents-tracing/exporter-otlp';
export const MLFLOW_PACKAGE = '@agents-tracing/exporter-mlflow';

/**
 * Loads an exporter package on demand: the processor does not depend on the exporters, so an
 * app installs only the ones it uses.
 */
async function load<T>(specifier: string, why: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(`${why}, but ${specifier} is not installed: add it to your dependencies (pnpm add ${specifier}).`);
    }
    throw error;
  }
}

export async function loadOtlp(why: string): Promise<OtlpModule> {
  return load<OtlpModule>(OTLP_PACKAGE, why);
}

export async function loadMlflow(why: string): Promise<MlflowModule> {
  return load<MlflowModule>(MLFLOW_PACKAGE, why);
}

/** Endpoint variables, checked without loading the exporter packages. */
export const otlpEnvConfigured = (env: NodeJS.ProcessEnv): boolean =>
  Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());

export const mlflowEnvConfigured = (env: NodeJS.ProcessEnv): boolean => Boolean(env.MLFLOW_TRACKING_URI?.trim());
