import { describe, expect, it } from 'vitest';
import { computeMetrics, percentile, type CaseOutcome } from '../src/metrics.js';
import { checkAssessmentValue, InvalidAssessmentError } from '../src/assessment-value.js';
import { parseTraceId } from '@agents-tracing/processor';

const outcome = (over: Partial<CaseOutcome>): CaseOutcome => ({
  failed: false,
  durationMs: 100,
  inputTokens: 10,
  outputTokens: 5,
  toolCalls: 1,
  toolErrors: 0,
  guardrailTrips: 0,
  scores: [],
  ...over,
});

describe('computeMetrics', () => {
  it('gives means, pass rates, errors, latency percentiles, tokens, tool errors, trips and failures', () => {
    const metrics = computeMetrics([
      outcome({ durationMs: 100, scores: [{ name: 'correct', value: true }, { name: 'quality', value: 0.5 }] }),
      outcome({ durationMs: 300, toolErrors: 1, scores: [{ name: 'correct', value: 'no' }, { name: 'quality', value: 1 }] }),
      outcome({ durationMs: 200, failed: true, guardrailTrips: 2, scores: [{ name: 'correct', value: undefined, error: 'boom' }, { name: 'label', value: 'great' }] }),
    ]);
    expect(metrics).toEqual({
      'correct/mean': 0.5,
      'correct/pass_rate': 0.5,
      'correct/errors': 1,
      'quality/mean': 0.75,
      cases: 3,
      failed_runs: 1,
      'latency_ms/p50': 200,
      'latency_ms/p95': 300,
      'tokens/input': 30,
      'tokens/output': 15,
      tool_error_rate: 1 / 3,
      guardrail_trips: 2,
    });
  });

  it('is all zeros for no cases', () => {
    expect(computeMetrics([])).toMatchObject({ cases: 0, 'latency_ms/p50': 0, tool_error_rate: 0 });
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe('assessment values', () => {
  it('accepts numbers, booleans, strings and plain JSON', () => {
    for (const value of [0, -1.5, true, 'yes', { a: [1, { b: null }] }, []]) expect(checkAssessmentValue('x', value)).toBe(value);
  });

  it('refuses what JSON cannot hold, saying where', () => {
    const cyclic: Record<string, unknown> = { list: [] };
    (cyclic.list as unknown[]).push(cyclic);
    const cases: [unknown, RegExp][] = [
      [Number.NaN, /\$ is NaN/],
      [{ deep: { n: -Infinity } }, /\$\.deep\.n is -Infinity/],
      [cyclic, /\$\.list\[0\] refers back to itself/],
      [new Date(), /is a Date/],
      [{ f: () => 1 }, /\$\.f is a function/],
      [10n, /bigint/],
      [null, /no value/],
      ['x'.repeat(70_000), /over the 65536 allowed/],
    ];
    for (const [value, message] of cases) {
      expect(() => checkAssessmentValue('x', value)).toThrow(InvalidAssessmentError);
      expect(() => checkAssessmentValue('x', value)).toThrow(message);
    }
  });
});

describe('parseTraceId', () => {
  it('takes the SDK, MLflow and bare forms', () => {
    const hex = 'ab'.repeat(16);
    for (const id of [`trace_${hex}`, `tr-${hex}`, hex, ` TR-${hex.toUpperCase()} `]) expect(parseTraceId(id)).toBe(hex);
    expect(() => parseTraceId('trace_123')).toThrow(/is not a trace id/);
  });
});
