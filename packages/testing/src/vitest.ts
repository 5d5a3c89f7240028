import type { SpanTreeNode } from '@agents-tracing/processor';
import { expect } from 'vitest';
import { describeTreeMismatch, matchSpanTree, type ExpectedSpan } from './match-tree.js';

interface SpanTreeMatchers<R = unknown> {
  /** The tree (one root or a list of roots) matches the partial expected shape. */
  toMatchSpanTree(expected: ExpectedSpan | readonly ExpectedSpan[]): R;
}

declare module 'vitest' {
  interface Matchers<T = any> extends SpanTreeMatchers<T> {}
}

expect.extend({
  toMatchSpanTree(received: SpanTreeNode | readonly SpanTreeNode[], expected: ExpectedSpan | readonly ExpectedSpan[]) {
    const result = matchSpanTree(received, expected);
    return {
      pass: result.pass,
      message: () =>
        result.pass ? 'expected the span tree not to match the shape, but it did' : describeTreeMismatch(received, result),
    };
  },
});

export type { ExpectedSpan } from './match-tree.js';
