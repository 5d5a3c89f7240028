import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfigs, type ConfigId } from '../configs/index.js';
import { runDeferred } from '../measure/clock.js';
import { inProcessModels } from '../model/models.js';
import { buildWorkloads, type Workload } from '../workloads/index.js';
import { renderSummary, summariseProfile, type CpuProfile } from './summarise.js';

/** Runs per profile: a few seconds of each workload. */
const RUNS: Record<Workload['id'], number> = { a: 1000, b: 400, c: 40, d: 1 };
const WARMUP_RUNS = 200;

/** Runs the workload, letting deferred processor work run after each run or turn, as in the bench. */
async function drive(workload: Workload, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    if (workload.kind === 'runs') {
      await workload.run();
      await runDeferred();
    } else {
      await workload.converse(undefined, async () => {
        await runDeferred();
      });
    }
  }
}

/**
 * CPU profiles of the hot path under one configuration (default: ours, simple span processor and
 * in-memory exporter), one per workload, taken through the inspector around the measured loop only (so module loading
 * and warm-up stay out). Each is written as a .cpuprofile (as `node --cpu-prof` writes) and
 * summarised by self time.
 */
export async function runProfile(configId: ConfigId, log: (message: string) => void): Promise<void> {
  const configs = await buildConfigs();
  const ours = configs.find((c) => c.id === configId);
  if (!ours) throw new Error(`no configuration ${configId}: pick one of ${configs.map((c) => c.id).join(', ')}`);
  const dir = join(tmpdir(), 'agents-tracing-bench-profiles');
  await mkdir(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  try {
    ours.activate();
    for (const workload of buildWorkloads(inProcessModels())) {
      log(`profiling (${workload.id}) ${workload.title} …`);
      await drive(workload, workload.kind === 'runs' ? Math.min(WARMUP_RUNS, RUNS[workload.id]) : 1);
      await ours.release();
      await session.post('Profiler.start');
      await drive(workload, RUNS[workload.id]);
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      await ours.release();
      const file = join(dir, `${configId}-workload-${workload.id}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      process.stdout.write(`\n${renderSummary(`${configId}, (${workload.id}) ${workload.title}`, summariseProfile(profile))}\n`);
      log(`profile written to ${file}`);
    }
  } finally {
    ours.deactivate();
    await session.post('Profiler.disable');
    session.disconnect();
    for (const config of configs) await config.shutdown();
  }
}
