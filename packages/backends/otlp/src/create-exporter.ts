import { diag } from '@opentelemetry/api';
import { resolveRetryPolicy } from './backoff.js';
import { classifyExportError } from './classify-error.js';
import { resolveOtlpConfig } from './config.js';
import { describeExportError } from './describe-error.js';
import type { Env } from './env.js';
import { ExportReporter, type ExportFailure } from './export-reporter.js';
import type { OtlpConnectionOptions, OtlpLogger, RetryOptions } from './options.js';
import { ReportingSpanExporter, type OtlpSpanExporter } from './otlp-span-exporter.js';
import { displayUrl } from './redact.js';
import { withRetries } from './retrying-exporter.js';
import { createUpstreamExporter } from './upstream-exporter.js';

export interface OtlpExporterOptions extends OtlpConnectionOptions {
  /**
   * Retries of transient failures (collector down or restarting, overloaded, timing out): one
   * attempt is one request. `false` turns them off.
   */
  retry?: RetryOptions | false;
  /** Where problems are reported, once each. Default: OpenTelemetry's `diag`. */
  logger?: OtlpLogger;
  /** Called for every batch given up on, with the raw error as well as the description. */
  onError?(failure: ExportFailure): void;
}

/**
 * An OTLP span exporter (gRPC, HTTP protobuf or HTTP JSON) configured from options and the
 * standard OTEL_EXPORTER_OTLP_* variables, with retries and messages a user can act on.
 * Throws OtlpConfigError for a setting it cannot use safely.
 */
export function createOtlpSpanExporter(options: OtlpExporterOptions = {}, env: Env = process.env): OtlpSpanExporter {
  const { retry, logger = diag.createComponentLogger({ namespace: '@agents-tracing/exporter-otlp' }), onError, ...connection } =
    options;
  const config = resolveOtlpConfig(connection, env);
  const retryPolicy = retry === false ? undefined : resolveRetryPolicy(retry);
  const upstream = createUpstreamExporter(config);
  for (const warning of config.warnings) logger.warn(warning);

  const endpoint = displayUrl(config.endpoint);
  const reporter = new ExportReporter({
    endpoint,
    describe: (error) => describeExportError(error, config),
    logger,
    retryBudgetMillis: retryPolicy?.maxElapsedMillis,
    onError,
  });
  const exporter =
    retryPolicy === undefined
      ? upstream
      : withRetries(upstream, {
          ...retryPolicy,
          isRetryable: (error) => classifyExportError(error).retryable,
          onRetry: (event) => reporter.retrying(event),
        });
  return new ReportingSpanExporter(exporter, reporter, config.protocol, endpoint);
}
