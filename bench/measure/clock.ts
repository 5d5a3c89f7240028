import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * What one measured stretch cost: wall time, this process's CPU time, time inside the processor's
 * callbacks, and time in the event-loop turns right after each unit of work, where work a
 * processor deferred (`setImmediate`) runs.
 */
export interface Cost {
  wallMs: number;
  cpuMs: number;
  callbackMs: number;
  deferredMs: number;
}

/**
 * Lets the event loop run what the last unit of work queued (two turns: work deferred from
 * deferred work runs too) and returns the milliseconds it took. Apps do I/O between steps, so
 * this is where such work runs in them as well.
 */
export async function runDeferred(): Promise<number> {
  const began = performance.now();
  await nextTurn();
  await nextTurn();
  return performance.now() - began;
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/**
 * Measures the stretch between `start()` and the `stop` it returns. CPU time is what the
 * comparisons use: on a shared machine, wall time also counts the time other processes held the
 * cores.
 */
export function startClock(takeCallbackMs: () => number): (deferredMs: number) => Cost {
  takeCallbackMs();
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  return (deferredMs) => {
    const wallMs = performance.now() - wallStart;
    const cpuMs = cpuMsSince(cpuStart);
    return { wallMs, cpuMs, callbackMs: takeCallbackMs(), deferredMs };
  };
}

export const perUnit = (cost: Cost, units: number): Cost => ({
  wallMs: cost.wallMs / units,
  cpuMs: cost.cpuMs / units,
  callbackMs: cost.callbackMs / units,
  deferredMs: cost.deferredMs / units,
});
