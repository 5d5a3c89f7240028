export { main, USAGE, type CliIo } from './main.js';
export {
  EXIT,
  exitCodeOf,
  keyFrom,
  reportCommand,
  treeCommand,
  verifyCommand,
  verifyLoaded,
  type CommandResult,
  type VerifySettings,
} from './commands.js';
export { sourceConfig, describeSource, JAEGER_QUERY_URL_ENV, type SourceConfig, type SourceName } from './config.js';
export { readTrace, type LoadedTrace, type ReadOptions } from './sources/index.js';
export { readTraceFile } from './sources/file.js';
export { mlflowDerivedMismatches, type MlflowTraceFields } from './sources/mlflow-derived.js';
export { parseTraceId } from './trace-id.js';
export { formatVerification } from './verify-text.js';
export { formatTree, summarize, type TraceSummary } from './tree-text.js';
export { reportData, type ReportData, type ReportSpan } from './report/model.js';
export { renderReportHtml } from './report/html.js';
export { CliError } from './errors.js';
