/**
 * Where a trace is read from, configured as the exporters are: the MLflow variables (credentials
 * are read by the MLflow exporter's client), a Jaeger query URL, or the embedded exporter's trace
 * file. Flags win over the environment.
 */
import { DEFAULT_TRACE_FILE } from '@agents-tracing/delivery';
import { CliError } from './errors.js';

export type SourceName = 'mlflow' | 'jaeger' | 'file';
export const SOURCE_NAMES: readonly SourceName[] = ['mlflow', 'jaeger', 'file'];

export const JAEGER_QUERY_URL_ENV = 'JAEGER_QUERY_URL';

export type SourceConfig =
  | { from: 'file'; path: string }
  | { from: 'jaeger'; queryUrl: string }
  | { from: 'mlflow'; trackingUri: string };

export interface SourceFlags {
  from?: string;
  file?: string;
  jaegerUrl?: string;
  mlflowUri?: string;
}

/** Without `--from`: MLflow when it is configured, else Jaeger when it is, else the trace file. */
export function sourceConfig(flags: SourceFlags, env: NodeJS.ProcessEnv): SourceConfig {
  const mlflowUri = flags.mlflowUri ?? env.MLFLOW_TRACKING_URI;
  const jaegerUrl = flags.jaegerUrl ?? env[JAEGER_QUERY_URL_ENV];
  const from = flags.from ?? (mlflowUri ? 'mlflow' : jaegerUrl ? 'jaeger' : 'file');
  switch (from) {
    case 'file':
      return { from, path: flags.file ?? DEFAULT_TRACE_FILE };
    case 'jaeger':
      if (!jaegerUrl) throw new CliError(`--from jaeger needs the query URL: --jaeger-url or ${JAEGER_QUERY_URL_ENV} (e.g. http://127.0.0.1:16686)`);
      return { from, queryUrl: jaegerUrl };
    case 'mlflow':
      if (!mlflowUri) throw new CliError('--from mlflow needs the tracking server: --mlflow-uri or MLFLOW_TRACKING_URI');
      return { from, trackingUri: mlflowUri };
    default:
      throw new CliError(`--from must be one of ${SOURCE_NAMES.join(', ')}, not "${from}"`);
  }
}

export function describeSource(config: SourceConfig): string {
  switch (config.from) {
    case 'file':
      return config.path;
    case 'jaeger':
      return `Jaeger at ${config.queryUrl}`;
    case 'mlflow':
      return `MLflow at ${config.trackingUri}`;
  }
}
