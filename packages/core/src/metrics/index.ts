export { GenAiMetrics, type MetricsOption, type MetricsOptions } from './genai-metrics.js';
export { GEN_AI_METRICS, TOKEN_MODALITY, TOKEN_TYPE, type CounterDefinition, type GenAiMetricKey, type HistogramDefinition, type MetricDefinition } from './names.js';
export { OTHER_VALUE } from './bounded-values.js';
export { metricPointsFor, type FinishedSpan, type MetricPoint } from './span-metrics.js';
