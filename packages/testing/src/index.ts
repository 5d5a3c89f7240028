export * from './scripted-openai/index.js';
export * from './scripted-realtime/index.js';
export { recordAgentSpans, type AgentSpanRecorder, type RecordAgentSpansOptions, type TreeFilter } from './recorder.js';
export { matchSpanTree, describeTreeMismatch, type ExpectedSpan, type TreeMatchResult } from './match-tree.js';
export * from './backends/index.js';
