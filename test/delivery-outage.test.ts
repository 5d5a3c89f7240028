/**
 * Jaeger and MLflow are both stopped for 30 s while agent runs go on, then started again: every
 * span arrives, exactly once, nothing is dropped, and the runs never notice.
 *
 * Jaeger keeps traces in memory, so what it had before the outage is gone after its restart:
 * those runs are checked before it stops. MLflow keeps its SQL store: all runs are checked there.
 * MLflow comes back on another port, behind a loopback proxy that stays where the exporter sends.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { setTracingDisabled } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtlpSpanExporter } from '@agents-tracing/exporter-otlp';
import { createMlflowSpanExporter } from '@agents-tracing/exporter-mlflow';
import { setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import { createMlflowExperiment, readJaegerTrace, readMlflowTrace } from '@agents-tracing/testing';
import {
  buildDemoAgents,
  runDemoConversation,
  startDemoModel,
  type DemoAgents,
  type DemoCase,
  type DemoModel,
  type DemoRunResult,
} from '@agents-tracing/example-multi-agent';
import { startJaeger, startMlflow, type JaegerServer, type MlflowServer } from './servers/index.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { expectExactlyOnce, until } from './support/delivery-assertions.js';

const OUTAGE_MS = 30_000;
const CASES: DemoCase[] = ['weather', 'travel', 'injection'];
const hexOf = (result: DemoRunResult): string => result.traceId.slice('trace_'.length);

describe('Jaeger and MLflow stopped for 30 s while runs go on', () => {
  const memory = new InMemorySpanExporter();
  const store = `sqlite:///${join(mkdtempSync(join(tmpdir(), 'agents-tracing-outage-')), 'mlflow.db')}`;
  let jaeger: JaegerServer;
  let mlflow: MlflowServer;
  let mlflowProxy: FaultProxy;
  let tracing: AgentTracing;
  let model: DemoModel;
  let agents: DemoAgents;

  beforeAll(async () => {
    [jaeger, mlflow] = await Promise.all([startJaeger(), startMlflow({ backendStoreUri: store })]);
    mlflowProxy = await startFaultProxy({ upstreamPort: Number(new URL(mlflow.trackingUri).port) });
    const experimentId = await createMlflowExperiment(mlflow.trackingUri, `outage-${randomUUID()}`);
    tracing = await setupAgentTracing({
      serviceName: 'delivery-outage',
      exporters: [
        createOtlpSpanExporter({ endpoint: `${jaeger.otlpHttpUrl}/v1/traces`, retry: false }, {}),
        createMlflowSpanExporter({ trackingUri: mlflowProxy.url, experimentId }),
        memory,
      ],
      delivery: { scheduledDelayMillis: 100 },
    });
    setTracingDisabled(false);
    model = await startDemoModel('responses', {});
    agents = buildDemoAgents(model.model);
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await model?.close();
    await Promise.all([jaeger?.stop(), mlflow?.stop(), mlflowProxy?.close()]);
  });

  const spanCount = (hex: string): number => memory.getFinishedSpans().filter((s) => s.spanContext().traceId === hex).length;
  const pipelines = () => {
    const { exporters } = tracing.stats();
    return { jaeger: exporters['exporter-1']!, mlflow: exporters['exporter-2']! };
  };

  it('delivers every span exactly once after both come back, and drops none', async () => {
    let next = 0;
    const runOne = (): Promise<DemoRunResult> => {
      const i = next++;
      return runDemoConversation(agents, CASES[i % CASES.length]!, i % 2 === 1);
    };

    // Before: delivered at once, and seen in Jaeger before its in-memory store goes away.
    const before = [await runOne(), await runOne(), await runOne()];
    await tracing.forceFlush();
    for (const result of before) {
      expectExactlyOnce(await readJaegerTrace(jaeger.queryUrl, hexOf(result), { expectSpans: spanCount(hexOf(result)) }), spanCount(hexOf(result)));
    }

    // Outage: both backends down for 30 s; runs go on, one after the other.
    const outageStart = Date.now();
    await Promise.all([jaeger.stop(), mlflow.stop(), mlflowProxy.setMode({ kind: 'refuse' })]);
    const duringAndAfter: DemoRunResult[] = [];
    const runLatencies: number[] = [];
    let stopRunning = false;
    const runner = (async () => {
      while (!stopRunning) {
        const began = Date.now();
        duringAndAfter.push(await runOne());
        runLatencies.push(Date.now() - began);
        await sleep(750);
      }
    })();
    // MLflow takes a while to boot: it starts again early, unreachable until the 30 s are over.
    await sleep(5_000);
    mlflow = await startMlflow({ backendStoreUri: store });
    await sleep(outageStart + OUTAGE_MS - Date.now());
    expect(pipelines().jaeger.retried).toBeGreaterThan(0);
    expect(pipelines().mlflow.retried).toBeGreaterThan(0);
    mlflowProxy.setUpstream(Number(new URL(mlflow.trackingUri).port));
    await Promise.all([jaeger.restart(), mlflowProxy.setMode({ kind: 'pass' })]);
    const restartedAt = Date.now();

    // After: a few more runs, then everything pending goes out.
    await sleep(2_000);
    stopRunning = true;
    await runner;
    await until('the queues to drain', () => pipelines().jaeger.pending === 0 && pipelines().mlflow.pending === 0, 60_000);
    const drainedAt = Date.now();

    expect(duringAndAfter.length).toBeGreaterThan(20);
    for (const result of duringAndAfter) {
      const hex = hexOf(result);
      expectExactlyOnce(await readJaegerTrace(jaeger.queryUrl, hex, { expectSpans: spanCount(hex) }), spanCount(hex));
    }
    for (const result of [...before, ...duringAndAfter]) {
      const hex = hexOf(result);
      expectExactlyOnce(await readMlflowTrace(mlflow.trackingUri, hex, { expectSpans: spanCount(hex) }), spanCount(hex));
    }

    const total = memory.getFinishedSpans().length;
    console.log(
      `${before.length + duringAndAfter.length} runs, ${total} spans; retried: Jaeger ${pipelines().jaeger.retried}, MLflow ${pipelines().mlflow.retried}; queues drained ${drainedAt - restartedAt} ms after the restart`,
    );
    for (const stats of [pipelines().jaeger, pipelines().mlflow]) {
      expect(stats).toMatchObject({ exported: total, dropped: 0, pending: 0 });
    }
    // The runs themselves never waited for the backends.
    const sorted = [...runLatencies].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(1_000);
  });
});
