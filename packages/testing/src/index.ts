export * from './scripted-openai/index.js';
export { RecordedMetrics, type MetricAttributes, type MetricSeries, type SeriesFilter } from './recorded-metrics.js';
export * from './scripted-realtime/index.js';
export { recordAgentSpans, type AgentSpanRecorder, type RecordAgentSpansOptions, type TreeFilter } from './recorder.js';
export { matchSpanTree, describeTreeMismatch, type ExpectedSpan, type TreeMatchResult } from './match-tree.js';
export * from './backends/index.js';
