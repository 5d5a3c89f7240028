import type { AssessmentValue } from './assessment-value.js';
import type { AgentRun } from './agent-run.js';
import type { AssessmentSource } from './feedback.js';

export interface Score {
  /** Default: the scorer's name. */
  name?: string;
  value: AssessmentValue;
  rationale?: string;
  metadata?: Record<string, unknown>;
  /** Default: `{ type: 'CODE', id: <scorer name> }`. */
  source?: AssessmentSource;
}

export type ScorerResult = Score | Score[] | AssessmentValue;

/** Judges one case. Its name (the function's, or the one `scorer()` gave) names its scores. */
export type Scorer<I = any, O = any> = ((run: AgentRun<I, O>) => ScorerResult | Promise<ScorerResult>) & {
  readonly scorerName?: string;
  /** Who its scores (and its errors) come from. Default: `{ type: 'CODE', id: <scorer name> }`. */
  readonly scorerSource?: AssessmentSource;
};

/** Names a scorer: `scorer('correct', (run) => run.outputs === run.expectations.answer)`. */
export function scorer<I = any, O = any>(
  name: string,
  score: (run: AgentRun<I, O>) => ScorerResult | Promise<ScorerResult>,
  source?: AssessmentSource,
): Scorer<I, O> {
  return Object.assign((run: AgentRun<I, O>) => score(run), { scorerName: name, ...(source ? { scorerSource: source } : {}) });
}

export function scorerName(scorerFn: Scorer, index: number): string {
  return scorerFn.scorerName ?? (scorerFn.name && scorerFn.name !== 'anonymous' ? scorerFn.name : `scorer_${index + 1}`);
}

/** A scorer's result as a list of named scores. */
export function toScores(result: ScorerResult, name: string): Score[] {
  const list = Array.isArray(result) && result.every(isScore) ? (result as Score[]) : [result];
  return list.map((item) => (isScore(item) ? { ...item, name: item.name ?? name } : { name, value: item as AssessmentValue }));
}

function isScore(value: unknown): value is Score {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'value' in value;
}
