export { createMetricsPipeline, type MetricsPipeline } from './meter-provider.js';
export { metricsEnvConfigured, parseHeaders, resolveMetricsConfig, type MetricsExportConfig, type MetricsOff, type MetricsProtocol, type TemporalityPreference } from './metrics-config.js';
export { setUpMetrics, type MetricsSetup } from './setup-metrics.js';
