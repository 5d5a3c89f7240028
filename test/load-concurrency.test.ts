/**
 * 1,000 agent runs at once in one process, exported to the real Jaeger with the default delivery
 * settings: every trace arrives complete and correct (every span once, every parent present, the
 * demo's tree), nothing is dropped, and after shutdown the heap is back to where it was before
 * the runs (measured after gc, in a child process started with --expose-gc, after a first,
 * unchecked round of 1,000 runs that brings the runtime to its working size).
 */
import { describe, expect, inject, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { readJaegerTrace } from '@agents-tracing/testing';
import type { DemoCase } from '@agents-tracing/example-multi-agent';
import { expectedDemoTree } from './support/demo-expectations.js';
import { countExpectedSpans, expectExactlyOnce } from './support/delivery-assertions.js';
import type { ScriptConfig } from './support/delivery-agent-script.js';
import { startScript } from './support/delivery-child.js';

const jaeger = inject('jaeger');
const RUNS = 1_000;
/** Heap growth allowed between before and after: well below what 1,000 runs' spans would hold. */
const HEAP_TOLERANCE_BYTES = 8 * 1024 * 1024;

interface Stats {
  exported: number;
  dropped: number;
  pending: number;
}

/** Runs `task` over `items`, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

describe(`${RUNS} concurrent runs`, () => {
  it('all arrive in Jaeger as complete, correct trees, and memory returns to its baseline', { timeout: 240_000 }, async () => {
    const config: ScriptConfig = {
      otlpEndpoint: `${jaeger.otlpHttpUrl}/v1/traces`,
      serviceName: 'load-concurrency',
      runs: RUNS,
      concurrent: true,
      end: 'shutdown',
      measureHeap: true,
    };
    const began = Date.now();
    const child = startScript('./delivery-agent-script.ts', [], {
      env: { DELIVERY_SCRIPT_CONFIG: JSON.stringify(config) },
      nodeArgs: ['--expose-gc'],
      lifetimeMs: 180_000,
    });
    const [, heapJson] = (await child.waitFor(/^heap (.*)$/m, 180_000))!;
    expect((await child.exited).code).toBe(0);
    const [, statsJson] = (await child.waitFor(/^stats (.*)$/m, 1))!;
    const stats = JSON.parse(statsJson!) as Stats;
    const heap = JSON.parse(heapJson!) as { before: number; after: number };
    const runs = child.matches(/^run (\w+) trace_([0-9a-f]{32})$/m).map(([, demoCase, hex]) => ({ demoCase: demoCase as DemoCase, hex: hex! }));
    const expectedSpans = runs.reduce((sum, run) => sum + countExpectedSpans(expectedDemoTree(run.demoCase, `trace_${run.hex}`)), 0);
    console.log(
      `${runs.length} runs, ${expectedSpans} spans in ${Date.now() - began} ms; heap before ${(heap.before / 2 ** 20).toFixed(1)} MiB, after shutdown ${(heap.after / 2 ** 20).toFixed(1)} MiB`,
    );

    expect(runs).toHaveLength(RUNS);
    expect(new Set(runs.map((r) => r.hex)).size).toBe(RUNS);
    // The warm-up round ran the same cases: it exported as many spans again.
    expect(stats).toMatchObject({ exported: 2 * expectedSpans, dropped: 0, pending: 0 });
    expect(heap.after - heap.before).toBeLessThan(HEAP_TOLERANCE_BYTES);

    await eachLimited(runs, 8, async ({ demoCase, hex }) => {
      const expected = expectedDemoTree(demoCase, `trace_${hex}`);
      const spans = countExpectedSpans(expected);
      const trace = await readJaegerTrace(jaeger.queryUrl, hex, { expectSpans: spans });
      expectExactlyOnce(trace, spans);
      expect(trace.roots).toMatchSpanTree([expected]);
    });
  });
});
