import { describe, expect, it } from 'vitest';
import { buildSpanTree, type FlatSpan } from '@agents-tracing/processor';

const span = (spanId: string, parentSpanId: string | undefined, startTime: number, name = spanId): FlatSpan => ({
  name,
  kind: 'INTERNAL',
  traceId: 'a'.repeat(32),
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  startTime,
  endTime: startTime + 1,
  status: { code: 'UNSET' },
  attributes: {},
  events: [],
});

describe('buildSpanTree', () => {
  it('nests children under parents, ordered by start time', () => {
    const [root, ...rest] = buildSpanTree([span('c', 'r', 3), span('b', 'r', 2), span('r', undefined, 1)]);
    expect(rest).toEqual([]);
    expect(root?.name).toBe('r');
    expect(root?.children.map((c) => c.name)).toEqual(['b', 'c']);
  });

  it('makes a span whose parent is missing a root', () => {
    const roots = buildSpanTree([span('x', 'missing', 1)]);
    expect(roots.map((r) => r.name)).toEqual(['x']);
  });
});
