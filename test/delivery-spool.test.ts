/**
 * A process killed with SIGKILL in the middle of its runs, while its exports are still waiting
 * for answers: the next process started with the same spool directory delivers every span of
 * every run that had finished, to Jaeger and to MLflow, each exactly once.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { createMlflowExperiment, readJaegerTrace, readMlflowTrace } from '@agents-tracing/testing';
import type { DemoCase } from '@agents-tracing/example-multi-agent';
import { expectedDemoTree } from './support/demo-expectations.js';
import { countExpectedSpans, expectExactlyOnce, until } from './support/delivery-assertions.js';
import type { ScriptConfig } from './support/delivery-agent-script.js';
import { startScript } from './support/delivery-child.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';

const jaeger = inject('jaeger');
const mlflow = inject('mlflow');
const SCRIPT = './delivery-agent-script.ts';

describe('a process killed with SIGKILL mid-stream, with a spool directory', () => {
  const spoolDir = mkdtempSync(join(tmpdir(), 'agents-tracing-spool-'));
  let toJaeger: FaultProxy;
  let toMlflow: FaultProxy;
  let experimentId: string;

  beforeAll(async () => {
    // Answers come late: when the process dies, batches are out and unacknowledged.
    const late = { kind: 'delay', millis: 1_500 } as const;
    toJaeger = await startFaultProxy({ upstreamPort: Number(new URL(jaeger.otlpHttpUrl).port), mode: late });
    toMlflow = await startFaultProxy({ upstreamPort: Number(new URL(mlflow.trackingUri).port), mode: late });
    experimentId = await createMlflowExperiment(mlflow.trackingUri, `spool-${randomUUID()}`);
  });
  afterAll(async () => {
    await Promise.all([toJaeger.close(), toMlflow.close()]);
  });

  const config = (overrides: Partial<ScriptConfig>): ScriptConfig => ({
    otlpEndpoint: `${toJaeger.url}/v1/traces`,
    mlflow: { trackingUri: toMlflow.url, experimentId },
    serviceName: 'delivery-spool',
    spoolDir,
    delivery: { scheduledDelayMillis: 50, maxExportBatchSize: 20 },
    runs: 0,
    end: 'shutdown',
    ...overrides,
  });

  it('has every span of every finished run delivered by the next process, exactly once', async () => {
    const killed = startScript(SCRIPT, [], { env: { DELIVERY_SCRIPT_CONFIG: JSON.stringify(config({ forever: true })) } });
    const runLine = /^run (\w+) trace_([0-9a-f]{32})$/m;
    await until('eight finished runs', () => killed.matches(runLine).length >= 8, 60_000);
    killed.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    const finished = killed.matches(runLine).map(([, demoCase, hex]) => ({
      demoCase: demoCase as DemoCase,
      hex: hex!,
    }));
    expect(finished.length).toBeGreaterThanOrEqual(8);

    // A record torn by a crash mid-write is skipped, never fatal.
    const [segment] = readdirSync(join(spoolDir, 'otlp')).filter((name) => name.endsWith('.spool'));
    expect(segment).toBeDefined();
    appendFileSync(join(spoolDir, 'otlp', segment!), 'R 999999 {"v":1,"name":"torn by a cra');

    await Promise.all([toJaeger.setMode({ kind: 'pass' }), toMlflow.setMode({ kind: 'pass' })]);
    // A fresh MLflow answers its first trace export slowly: this process may take its time.
    const recovery = config({ delivery: { flushTimeoutMillis: 30_000 } });
    const next = startScript(SCRIPT, [], { env: { DELIVERY_SCRIPT_CONFIG: JSON.stringify(recovery) } });
    const [, statsJson] = await next.waitFor(/^stats (.*)$/m, 60_000);
    expect((await next.exited).code).toBe(0);
    const stats = JSON.parse(statsJson!) as { exporters: Record<string, { recovered: number; exported: number; unreadable: number; dropped: number; pending: number }> };
    expect(stats.exporters['otlp']).toMatchObject({ unreadable: 1, dropped: 0, pending: 0 });
    expect(stats.exporters['mlflow']).toMatchObject({ unreadable: 0, dropped: 0, pending: 0 });
    expect(stats.exporters['otlp']!.recovered).toBeGreaterThan(0);
    expect(stats.exporters['otlp']!.exported).toBe(stats.exporters['otlp']!.recovered);
    expect(next.output()).toMatch(/otlp: 1 unreadable records in the spool at .* were skipped/);

    for (const { demoCase, hex } of finished) {
      const expected = expectedDemoTree(demoCase, `trace_${hex}`);
      const spans = countExpectedSpans(expected);
      const inJaeger = await readJaegerTrace(jaeger.queryUrl, hex, { expectSpans: spans });
      expectExactlyOnce(inJaeger, spans);
      expect(inJaeger.roots).toMatchSpanTree([expected]);
      expectExactlyOnce(await readMlflowTrace(mlflow.trackingUri, hex, { expectSpans: spans }), spans);
    }
    // Everything delivered and acknowledged: nothing is left on disk.
    for (const exporter of ['otlp', 'mlflow']) {
      expect(readdirSync(join(spoolDir, exporter)).filter((name) => name.endsWith('.spool'))).toEqual([]);
    }
  });
});
