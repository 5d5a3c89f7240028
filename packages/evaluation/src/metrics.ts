/** Aggregate metrics of an evaluation, named as `mlflow.genai.evaluate` names them (`<score>/mean`). Pure. */
import { isPassFail, numericValue, type AssessmentValue } from './assessment-value.js';

export interface CaseOutcome {
  /** The task failed (rejected or timed out). */
  failed: boolean;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  toolCalls: number;
  toolErrors: number;
  guardrailTrips: number;
  scores: { name: string; value: AssessmentValue | undefined; error?: string }[];
}

export function computeMetrics(cases: readonly CaseOutcome[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  const byScore = new Map<string, { values: AssessmentValue[]; errors: number }>();
  for (const outcome of cases) {
    for (const score of outcome.scores) {
      const entry = byScore.get(score.name) ?? { values: [], errors: 0 };
      if (score.error !== undefined || score.value === undefined) entry.errors += 1;
      else entry.values.push(score.value);
      byScore.set(score.name, entry);
    }
  }
  for (const [name, { values, errors }] of [...byScore].sort(([a], [b]) => a.localeCompare(b))) {
    const numbers = values.map(numericValue).filter((v): v is number => v !== undefined);
    if (numbers.length > 0) metrics[`${name}/mean`] = mean(numbers);
    const passFail = values.filter(isPassFail);
    if (passFail.length > 0) metrics[`${name}/pass_rate`] = mean(passFail.map((v) => numericValue(v) as number));
    if (errors > 0) metrics[`${name}/errors`] = errors;
  }
  const durations = cases.map((c) => c.durationMs).sort((a, b) => a - b);
  const toolCalls = sum(cases.map((c) => c.toolCalls));
  Object.assign(metrics, {
    cases: cases.length,
    failed_runs: cases.filter((c) => c.failed).length,
    'latency_ms/p50': percentile(durations, 0.5),
    'latency_ms/p95': percentile(durations, 0.95),
    'tokens/input': sum(cases.map((c) => c.inputTokens)),
    'tokens/output': sum(cases.map((c) => c.outputTokens)),
    tool_error_rate: toolCalls === 0 ? 0 : sum(cases.map((c) => c.toolErrors)) / toolCalls,
    guardrail_trips: sum(cases.map((c) => c.guardrailTrips)),
  });
  return metrics;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: readonly number[]): number => sum(values) / values.length;

/** Nearest-rank percentile of sorted values; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] as number;
}
