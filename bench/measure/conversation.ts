import type { ConfigId, TracingConfig } from '../configs/index.js';
import type { ConversationWorkload } from '../workloads/index.js';
import { runDeferred, startClock, type Cost } from './clock.js';
import { settle } from './gc.js';
import { shuffled } from './stats.js';

export interface ConversationSettings {
  /** Whole conversations per configuration. */
  samples: number;
  /** Turns of the warm-up conversation each configuration has first. */
  warmupTurns: number;
  random: () => number;
}

export interface ConversationMeasurement {
  workload: ConversationWorkload;
  /** Per configuration, per sample: each turn's cost (index 0 = turn 1). */
  turns: Map<ConfigId, Cost[][]>;
  warmupTurns: number;
}

async function conversation(config: TracingConfig, workload: ConversationWorkload, turnLimit?: number): Promise<Cost[]> {
  const turns: Cost[] = [];
  config.activate();
  await settle();
  let stop = startClock(() => config.takeCallbackMs());
  await workload.converse(turnLimit, async (turn) => {
    turns[turn - 1] = stop(await runDeferred());
    stop = startClock(() => config.takeCallbackMs());
  });
  config.deactivate();
  await config.release();
  return turns;
}

/** A short warm-up conversation per configuration, then rounds of one whole conversation each, shuffled. */
export async function measureConversation(
  workload: ConversationWorkload,
  configs: readonly TracingConfig[],
  settings: ConversationSettings,
): Promise<ConversationMeasurement> {
  for (const config of configs) await conversation(config, workload, settings.warmupTurns);
  const turns = new Map<ConfigId, Cost[][]>(configs.map((c) => [c.id, []]));
  for (let sample = 0; sample < settings.samples; sample++) {
    for (const config of shuffled(configs, settings.random)) {
      turns.get(config.id)!.push(await conversation(config, workload));
    }
  }
  return { workload, turns, warmupTurns: settings.warmupTurns };
}
