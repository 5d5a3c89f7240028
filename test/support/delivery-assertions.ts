/** Checks shared by the delivery tests: a trace read back from a backend holds each span once. */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { ExpectedSpan, ReadTrace } from '@agents-tracing/testing';

/** Span ids of a trace read back, in tree order. */
export function spanIdsOf(trace: ReadTrace): string[] {
  const ids: string[] = [];
  const walk = (nodes: ReadTrace['roots']): void => {
    for (const node of nodes) {
      ids.push(node.spanId);
      walk(node.children);
    }
  };
  walk(trace.roots);
  return ids;
}

/** As many spans as expected, none twice, and every parent present (a single root). */
export function expectExactlyOnce(trace: ReadTrace, expectedSpans: number): void {
  const ids = spanIdsOf(trace);
  expect(trace.spanCount).toBe(expectedSpans);
  expect(new Set(ids).size).toBe(expectedSpans);
  expect(trace.roots).toHaveLength(1);
}

/** Spans in an expected tree. */
export function countExpectedSpans(tree: ExpectedSpan): number {
  return 1 + (tree.children ?? []).reduce((sum, child) => sum + countExpectedSpans(child), 0);
}

export async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${timeoutMs} ms`);
    await sleep(50);
  }
}
