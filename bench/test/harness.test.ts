import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfigs, type TracingConfig } from '../configs/index.js';
import { inProcessModels } from '../model/models.js';
import { summariseProfile } from '../profile/summarise.js';
import { quantile, spread } from '../measure/stats.js';
import { buildWorkloads } from '../workloads/index.js';

const TURNS = 3;

describe('bench harness', () => {
  let configs: TracingConfig[];
  const workloads = buildWorkloads(inProcessModels(), { conversationTurns: TURNS });
  const config = (id: TracingConfig['id']) => configs.find((c) => c.id === id)!;

  beforeAll(async () => {
    configs = await buildConfigs();
  });
  afterAll(async () => {
    for (const c of configs) await c.shutdown();
  });

  it.each(workloads.map((w) => [w.id, w] as const))('workload (%s) gives the spans it promises', async (_id, workload) => {
    const ours = config('ours');
    const before = await ours.delivered();
    ours.activate();
    try {
      if (workload.kind === 'runs') await workload.run();
      else await workload.converse(undefined, () => {});
    } finally {
      ours.deactivate();
    }
    const expected = workload.kind === 'runs' ? workload.spansPerRun : TURNS * workload.spansPerTurn + 1;
    expect((await ours.delivered()) - before).toBe(expected);
  });

  it('runs a workload under every configuration, timing each processor\'s callbacks', async () => {
    const [single] = workloads;
    if (single?.kind !== 'runs') throw new Error('workload (a) runs run by run');
    for (const c of configs) {
      c.activate();
      c.takeCallbackMs();
      try {
        await single.run();
      } finally {
        c.deactivate();
      }
      const callbackMs = c.takeCallbackMs();
      if (c.id === 'disabled') expect(callbackMs).toBe(0);
      else expect(callbackMs).toBeGreaterThan(0);
    }
    expect(await config('braintrust').delivered()).toBeGreaterThan(0);
    expect(await config('arize').delivered()).toBeGreaterThan(0);
  });
});

describe('profile summary', () => {
  it('adds up self time per function and per area, leaving idle time out', () => {
    const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 9 } });
    const summary = summariseProfile({
      nodes: [
        frame(1, '(idle)', ''),
        frame(2, 'encode', 'file:///repo/packages/core/src/content/encoder.ts'),
        frame(3, 'startSpan', 'file:///repo/node_modules/.pnpm/x/node_modules/@opentelemetry/sdk-trace/build/src/Tracer.js'),
      ],
      samples: [2, 2, 3, 1],
      timeDeltas: [0, 1000, 1000, 2000, 5000],
    });
    expect(summary.busyMs).toBe(4);
    expect(summary.functions.map((f) => [f.name, f.area, f.selfMs, f.location])).toEqual([
      ['encode', 'our processor', 2, 'packages/core/src/content/encoder.ts:10'],
      ['startSpan', 'OpenTelemetry SDK', 2, '@opentelemetry/sdk-trace/build/src/Tracer.js:10'],
    ]);
  });
});

describe('statistics', () => {
  it('interpolates quantiles and reports the quartiles around the median', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(spread([1, 2, 3, 4, 5])).toEqual({ median: 3, p25: 2, p75: 4 });
  });
});
