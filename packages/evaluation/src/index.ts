export {
  logFeedback,
  logExpectation,
  updateAssessment,
  deleteAssessment,
  getAssessments,
  AssessmentWriter,
  TraceNotFoundError,
  NoAssessmentBackendError,
  InvalidAssessmentError,
  type Feedback,
  type Expectation,
  type AssessmentOptions,
  type FeedbackOptions,
  type AssessmentChanges,
  type AssessmentSource,
  type AssessmentSourceType,
  type LoggedAssessment,
} from './feedback.js';
export { type AssessmentValue, type JsonValue } from './assessment-value.js';
export { OtlpFeedbackError } from './otlp-feedback.js';
export { OtlpConfigError } from '@agents-tracing/exporter-otlp';
export {
  evaluate,
  EvaluationThresholdError,
  type EvaluateOptions,
  type EvaluationCase,
  type EvaluationCaseResult,
  type EvaluationResult,
  type Threshold,
} from './evaluate.js';
export { type AgentRun } from './agent-run.js';
export { scorer, type Score, type Scorer, type ScorerResult } from './scorers.js';
export { llmJudge, type LlmJudgeOptions, type ChatCompletionsClient } from './llm-judge.js';
export { computeMetrics, percentile, type CaseOutcome } from './metrics.js';
export { formatComparison, formatProgress, formatSummary, type Progress, type ProgressReporter } from './progress.js';
export { parseTraceId, InvalidTraceIdError } from '@agents-tracing/processor';
