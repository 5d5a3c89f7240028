import type { ConfigId, TracingConfig } from '../configs/index.js';
import type { RunWorkload } from '../workloads/index.js';
import { perUnit, runDeferred, startClock, type Cost } from './clock.js';
import { settle } from './gc.js';
import { shuffled } from './stats.js';

export interface RunSettings {
  /** Timed samples per configuration, at most. */
  samples: number;
  /** Time all samples of a workload may take together; fewer samples are taken to stay within it (3 at least). */
  budgetMs: number;
  /** CPU time one sample aims at; runs per sample are chosen from the no-op configuration. */
  sampleMs: number;
  /** Warm-up per configuration before any sample is taken. */
  warmupMs: number;
  random: () => number;
}

export interface RunMeasurement {
  workload: RunWorkload;
  runsPerSample: number;
  /** Cost per run, one value per sample, the samples of all configurations interleaved. */
  perRun: Map<ConfigId, Cost[]>;
  runs: Map<ConfigId, number>;
}

async function timedSample(config: TracingConfig, workload: RunWorkload, runs: number): Promise<Cost> {
  config.activate();
  await settle();
  const stop = startClock(() => config.takeCallbackMs());
  let deferredMs = 0;
  for (let i = 0; i < runs; i++) {
    await workload.run();
    deferredMs += await runDeferred();
  }
  const cost = stop(deferredMs);
  config.deactivate();
  await config.release();
  return perUnit(cost, runs);
}

/**
 * Times a workload under every configuration: warm-up first, then rounds in which each
 * configuration, in a shuffled order, runs one sample of back-to-back runs.
 */
export async function measureRuns(
  workload: RunWorkload,
  configs: readonly TracingConfig[],
  settings: RunSettings,
): Promise<RunMeasurement> {
  const runs = new Map<ConfigId, number>(configs.map((c) => [c.id, 0]));
  const count = (config: TracingConfig, n: number) => runs.set(config.id, (runs.get(config.id) ?? 0) + n);
  const warmCpuMs = new Map<ConfigId, number>();
  for (const config of configs) {
    let warmRuns = 0;
    let last: Cost | undefined;
    for (let spent = 0; warmRuns < 2 || spent < settings.warmupMs; warmRuns++) {
      last = await timedSample(config, workload, 1);
      spent += last.cpuMs;
    }
    count(config, warmRuns);
    warmCpuMs.set(config.id, last?.cpuMs ?? 0);
  }
  const noopMs = warmCpuMs.get('noop') ?? warmCpuMs.values().next().value ?? 1;
  const runsPerSample = Math.min(500, Math.max(1, Math.round(settings.sampleMs / noopMs)));
  const roundMs = [...warmCpuMs.values()].reduce((sum, ms) => sum + ms * runsPerSample, 0);
  const samples = Math.min(settings.samples, Math.max(3, Math.floor(settings.budgetMs / roundMs)));

  const perRun = new Map<ConfigId, Cost[]>(configs.map((c) => [c.id, []]));
  for (let sample = 0; sample < samples; sample++) {
    for (const config of shuffled(configs, settings.random)) {
      perRun.get(config.id)!.push(await timedSample(config, workload, runsPerSample));
      count(config, runsPerSample);
    }
  }
  return { workload, runsPerSample, perRun, runs };
}
