import { describe, expect, it } from 'vitest';
import { rootSpanIdFor } from '@agents-tracing/processor';
import { evaluationAttributes, evaluationSpan, scoreAndLabel } from '../src/evaluation-span.js';
import { toAssessmentInput } from '../src/feedback.js';

const TRACE = '4ae2627992b8469e91845f8d79d60b2e';

describe('evaluation results in the GenAI conventions', () => {
  it('score numbers, label text, and give booleans and yes/no both', () => {
    expect(scoreAndLabel(0.5)).toEqual({ score: 0.5 });
    expect(scoreAndLabel(false)).toEqual({ score: 0, label: 'false' });
    expect(scoreAndLabel('pass')).toEqual({ score: 1, label: 'pass' });
    expect(scoreAndLabel('relevant')).toEqual({ label: 'relevant' });
    expect(scoreAndLabel({ city: 'Paris' })).toEqual({ label: '{"city":"Paris"}' });
  });

  it('ride on a span in the judged trace, under the judged span or the workflow span', () => {
    const fields = { name: 'helpful', value: true, rationale: 'cited the policy', source: { type: 'HUMAN', id: 'alice' } };
    const options = { spanId: '00f067aa0ba902b7', now: 1_700_000_000_123, serviceName: 'review' };
    const onTrace = evaluationSpan(TRACE, undefined, fields, options);
    expect(onTrace.spanContext()).toMatchObject({ traceId: TRACE, spanId: '00f067aa0ba902b7' });
    expect(onTrace.parentSpanContext).toMatchObject({ traceId: TRACE, spanId: rootSpanIdFor(TRACE) });
    expect(onTrace.startTime).toEqual([1_700_000_000, 123_000_000]);
    expect(onTrace.resource.attributes['service.name']).toBe('review');
    const expected = {
      'gen_ai.evaluation.name': 'helpful',
      'gen_ai.evaluation.score.value': 1,
      'gen_ai.evaluation.score.label': 'true',
      'gen_ai.evaluation.explanation': 'cited the policy',
      'openai.agents.evaluation.source.type': 'HUMAN',
      'openai.agents.evaluation.source.id': 'alice',
    };
    expect(onTrace.events).toEqual([{ name: 'gen_ai.evaluation.result', time: onTrace.startTime, attributes: expected }]);
    expect(onTrace.attributes).toEqual(expected);
    expect(evaluationSpan(TRACE, 'b7ad6b7169203331', fields, options).parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('scrub credential shapes a reviewer pasted, over OTLP and into MLflow alike', () => {
    // A made-up key in the shape of an OpenAI key, assembled so the source holds no such shape.
    const key = ['sk', 'proj', 'Zx9'.repeat(10)].join('-');
    const rationale = `the agent echoed my key ${key} back`;
    const attributes = evaluationAttributes({ name: 'leak', value: `saw ${key}`, rationale, source: { type: 'HUMAN', id: 'bob' } });
    expect(JSON.stringify(attributes)).not.toContain(key);
    expect(attributes['gen_ai.evaluation.explanation']).toBe('the agent echoed my key [REDACTED] back');
    const input = toAssessmentInput({ name: 'leak', value: `saw ${key}`, rationale }, 'feedback');
    expect(input.rationale).toBe('the agent echoed my key [REDACTED] back');
    expect(input.feedback?.value).toBe('saw [REDACTED]');
  });
});
