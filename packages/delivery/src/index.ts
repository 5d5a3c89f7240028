export {
  setupAgentTracing,
  DEFAULT_SERVICE_NAME,
  DEFAULT_TRACE_FILE,
  SPOOL_DIR_ENV,
  type AgentTracing,
  type SetupAgentTracingOptions,
} from './setup-agent-tracing.js';
export { metricsEnvConfigured, resolveMetricsConfig, type MetricsExportConfig, type MetricsOff } from './metrics/index.js';
export type { ExporterSettings } from './exporters.js';
export { TreeExporter, type TreeExporterOptions } from './tree-exporter.js';
export { TraceAssembler } from './trace-assembler.js';
export { DeliverySpanProcessor, type DeliverySpanProcessorOptions } from './pipeline/delivery-span-processor.js';
export { DEFAULT_DELIVERY_OPTIONS, type BatchSettings, type DeliveryOptions } from './pipeline/options.js';
export { sumDeliveryCounts, type DeliveryCounts, type DeliveryStats } from './pipeline/stats.js';
export { encodeSpan, decodeSpan, type SharedObjects, type SpanRecord } from './pipeline/span-codec.js';
export type { DeliveryLogger } from './pipeline/logger.js';
export { Spool, type RecoveredSpans, type SpoolRef } from './spool/spool.js';
