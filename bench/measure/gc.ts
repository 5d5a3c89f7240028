import { setImmediate as nextTurn } from 'node:timers/promises';

const collect = (globalThis as { gc?: () => void }).gc;

/** True when node runs with --expose-gc. */
export const canCollectGarbage = collect !== undefined;

/**
 * Lets pending I/O callbacks run, then collects garbage (when exposed), so a sample starts from a
 * settled heap and pays only for the garbage it makes.
 */
export async function settle(): Promise<void> {
  await nextTurn();
  collect?.();
}

/** Heap in use after a full collection; needs --expose-gc. */
export async function settledHeapUsed(): Promise<number> {
  if (!collect) throw new Error('heap measurements need node --expose-gc');
  await nextTurn();
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}
