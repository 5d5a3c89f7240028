/**
 * Tracing trouble never reaches the agent run. Jaeger and MLflow sit behind loopback fault
 * proxies that pass traffic, answer after 5 s, answer 500, reset connections or refuse them; the
 * same runs go on under each, and
 * - their results are the same and nothing is thrown or left unhandled,
 * - their latency is that of the healthy case (medians, interleaved rounds, generous tolerance),
 * - memory stays bounded: at most the configured queue is held; the overflow is counted and told
 *   once, and every span is either exported or counted as dropped.
 */
import { randomUUID } from 'node:crypto';
import { setTracingDisabled } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import { createMlflowExperiment } from '@agents-tracing/testing';
import { buildDemoAgents, runDemoConversation, startDemoModel, type DemoAgents, type DemoModel } from '@agents-tracing/example-multi-agent';
import { until } from './support/delivery-assertions.js';
import { startFaultProxy, type FaultMode, type FaultProxy } from './support/fault-proxy.js';

const jaeger = inject('jaeger');
const mlflow = inject('mlflow');

const MAX_QUEUE = 60;
const BATCH = 20;
const ROUNDS = 3;
const RUNS_PER_ROUND = 5;
const FAULTS: Record<string, FaultMode> = {
  healthy: { kind: 'pass' },
  'answers after 5 s': { kind: 'delay', millis: 5_000 },
  'answers 500': { kind: 'status', status: 500 },
  'resets connections': { kind: 'reset' },
  'refuses connections': { kind: 'refuse' },
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

describe('an unhealthy backend and the agent run', () => {
  const warnings: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  let proxies: FaultProxy[];
  let tracing: AgentTracing;
  let model: DemoModel;
  let agents: DemoAgents;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    proxies = await Promise.all([
      startFaultProxy({ upstreamPort: Number(new URL(jaeger.otlpHttpUrl).port) }),
      startFaultProxy({ upstreamPort: Number(new URL(mlflow.trackingUri).port) }),
    ]);
    const experimentId = await createMlflowExperiment(mlflow.trackingUri, `isolation-${randomUUID()}`);
    tracing = await setupAgentTracing({
      serviceName: 'isolation-faults',
      otlp: { endpoint: `${proxies[0]!.url}/v1/traces` },
      mlflow: { trackingUri: proxies[1]!.url, experimentId },
      delivery: { maxQueueSize: MAX_QUEUE, maxExportBatchSize: BATCH, scheduledDelayMillis: 50, maxRetryDelayMillis: 1_000, flushTimeoutMillis: 30_000 },
      logger: { warn: (message) => warnings.push(message), info: () => {} },
    });
    setTracingDisabled(false);
    model = await startDemoModel('responses', {});
    agents = buildDemoAgents(model.model);
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await model?.close();
    await Promise.all(proxies.map((p) => p.close()));
    process.off('unhandledRejection', onUnhandled);
  });

  it('keeps the run results, the run latency and the memory of the healthy case', async () => {
    const latencies: Record<string, number[]> = Object.fromEntries(Object.keys(FAULTS).map((name) => [name, []]));
    const outputs = new Set<string>();
    let maxPending = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, mode] of Object.entries(FAULTS)) {
        await Promise.all(proxies.map((proxy) => proxy.setMode(mode)));
        for (let i = 0; i < RUNS_PER_ROUND; i++) {
          const began = performance.now();
          const result = await runDemoConversation(agents, 'weather', false);
          latencies[name]!.push(performance.now() - began);
          outputs.add(String(result.output));
          for (const exporter of Object.values(tracing.stats().exporters)) maxPending = Math.max(maxPending, exporter.pending);
        }
      }
    }

    // Same answers under every fault, nothing thrown, nothing left unhandled.
    expect(outputs.size).toBe(1);
    expect(unhandled).toEqual([]);

    const healthy = median(latencies['healthy']!);
    for (const [name, values] of Object.entries(latencies)) {
      expect(median(values), `median run latency when the backend ${name}`).toBeLessThan(healthy * 2 + 25);
    }
    console.log(`median run latency (ms): ${Object.entries(latencies).map(([name, values]) => `${name} ${median(values).toFixed(1)}`).join(', ')}`);

    // Bounded memory: the queue never held more than its cap plus one batch being sent.
    expect(maxPending).toBeLessThanOrEqual(MAX_QUEUE + BATCH);

    // Healthy again: what is left goes out; every span is accounted for, the overflow told once.
    await Promise.all(proxies.map((proxy) => proxy.setMode({ kind: 'pass' })));
    await until('the queues to drain', () => Object.values(tracing.stats().exporters).every((s) => s.pending === 0), 60_000);
    const ended = ROUNDS * Object.keys(FAULTS).length * RUNS_PER_ROUND * 15;
    for (const [name, stats] of Object.entries(tracing.stats().exporters)) {
      expect({ name, accounted: stats.exported + stats.dropped }).toEqual({ name, accounted: ended });
      expect(stats.dropped).toBeGreaterThan(0);
      expect(warnings.filter((w) => w.startsWith(`${name}: more than ${MAX_QUEUE} spans are waiting`))).toHaveLength(1);
    }
  });
});
