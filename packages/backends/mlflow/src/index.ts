export {
  MlflowSpanExporter,
  createMlflowSpanExporter,
  MLFLOW_EXPERIMENT_ID_HEADER,
  type MlflowSpanExporterOptions,
} from './exporter.js';
export {
  resolveMlflowConfig,
  isMlflowConfigured,
  MlflowConfigError,
  DEFAULT_EXPERIMENT_ID,
  DEFAULT_TRACKING_URI,
  DEFAULT_TIMEOUT_MILLIS,
  type MlflowConfig,
  type MlflowConnectionOptions,
  type MlflowEnv,
  type MlflowAuth,
  type MlflowExperimentRef,
  type SettingSource,
} from './config.js';
export {
  MlflowClient,
  decodeMlflowAnyValue,
  toMlflowTraceId,
  type MlflowClientOptions,
  type MlflowExperiment,
  type MlflowRestAnyValue,
  type MlflowRestKeyValue,
  type MlflowRestTraceInfo,
  type MlflowSpan,
  type MlflowTokenUsage,
  type MlflowTrace,
  type MlflowTraceInfo,
  type MlflowTraceState,
  type SearchTracesOptions,
  type SearchTracesResult,
} from './client.js';
export {
  describeMlflowError,
  MlflowError,
  type MlflowErrorContext,
  type MlflowErrorDescription,
  type MlflowErrorKind,
  type MlflowFailure,
} from './errors.js';
export {
  toMlflowAttributes,
  summarizeForRoot,
  MLFLOW,
  MLFLOW_LIMITS,
  MLFLOW_SPAN_TYPE,
  MLFLOW_SPAN_TYPE_BY_SDK_TYPE,
  MESSAGE_FORMAT,
  TRACE_INFO_METADATA,
  type MlflowSpanType,
  type TraceSummary,
} from './mlflow-attributes.js';
export type { MlflowExportStats, MlflowLogger } from './export-reporter.js';
