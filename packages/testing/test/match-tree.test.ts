import { describe, expect, it } from 'vitest';
import { buildSpanTree, type FlatSpan } from '@agents-tracing/processor';
import { describeTreeMismatch, matchSpanTree } from '../src/match-tree.js';
import '../src/vitest.js';

const span = (spanId: string, name: string, parentSpanId?: string, extra: Partial<FlatSpan> = {}): FlatSpan => ({
  name,
  kind: 'INTERNAL',
  traceId: 'a'.repeat(32),
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  startTime: Number.parseInt(spanId, 16),
  endTime: Number.parseInt(spanId, 16) + 1,
  status: { code: 'UNSET' },
  attributes: {},
  events: [],
  ...extra,
});

const tree = buildSpanTree([
  span('1', 'root'),
  span('2', 'invoke_agent A', '1', { attributes: { 'gen_ai.agent.name': 'A', tokens: 12, tools: ['x', 'y'] } }),
  span('3', 'guardrail g', '2', { status: { code: 'ERROR', message: 'tripwire' } }),
  span('4', 'turn 1 A', '2'),
]);

describe('matchSpanTree', () => {
  it('passes a matching partial shape, children in any order', () => {
    const result = matchSpanTree(tree, [
      {
        name: 'root',
        children: [
          {
            name: /^invoke_agent/,
            attributes: { 'gen_ai.agent.name': 'A', tokens: expect.any(Number), tools: ['x', 'y'] },
            children: [{ name: 'turn 1 A' }, { name: 'guardrail g', status: 'ERROR' }],
          },
        ],
      },
    ]);
    expect(result).toEqual({ pass: true, mismatches: [] });
  });

  it('names every difference with the path of its span', () => {
    const result = matchSpanTree(tree, [
      {
        name: 'root',
        children: [
          {
            name: 'invoke_agent A',
            kind: 'CLIENT',
            attributes: { 'gen_ai.agent.name': 'B', missing: 1 },
            children: [{ name: 'turn 1 A' }],
          },
        ],
      },
    ]);
    expect(result.pass).toBe(false);
    expect(result.mismatches).toEqual([
      'root › invoke_agent A: kind expected CLIENT, found INTERNAL',
      'root › invoke_agent A: attribute gen_ai.agent.name expected "B", found "A"',
      'root › invoke_agent A: attribute missing missing (expected 1)',
      'root › invoke_agent A: expected 1 span(s), found 2: [guardrail g, turn 1 A]',
    ]);
    const message = describeTreeMismatch(tree, result);
    expect(message).toContain('actual tree:');
    expect(message).toContain('└─ invoke_agent A');
  });

  it('works as a vitest matcher', () => {
    expect(tree).toMatchSpanTree([{ name: 'root' }]);
    expect(() => expect(tree).toMatchSpanTree([{ name: 'other' }])).toThrow(/name expected "other", found "root"/);
  });
});
