export { createOtlpSpanExporter, type OtlpExporterOptions } from './create-exporter.js';
export { OtlpExportError, type OtlpSpanExporter } from './otlp-span-exporter.js';
export { OtlpHttpExporter, OtlpHttpError, type OtlpHttpExporterOptions } from './http-exporter.js';
export { ExportAbortedError } from './request-body.js';
export { NotOtlpResponseError, notOtlpSuccess, type HttpAnswer, type OtlpEncoding } from './otlp-response.js';
export type { ExportFailure, OtlpExportStats } from './export-reporter.js';
export {
  resolveOtlpConfig,
  DEFAULT_PROTOCOL,
  DEFAULT_TIMEOUT_MILLIS,
  type ResolvedOtlpConfig,
  type ResolvedTls,
  type TlsMaterial,
} from './config.js';
export { DEFAULT_GRPC_ENDPOINT, DEFAULT_HTTP_ENDPOINT } from './endpoint.js';
export { OtlpConfigError } from './config-error.js';
export { isOtlpConfigured, type ConfigSource, type Env } from './env.js';
export { describeExportError, type DescribeConfig, type ExportErrorDescription } from './describe-error.js';
export { classifyExportError, type ExportProblem, type ExportProblemKind } from './classify-error.js';
export { withRetries, type RetryEvent, type RetryingExporterOptions } from './retrying-exporter.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
export type {
  OtlpCompression,
  OtlpConnectionOptions,
  OtlpLogger,
  OtlpProtocol,
  Pem,
  RetryOptions,
} from './options.js';
