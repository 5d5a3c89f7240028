/** What one measured stretch cost: wall time, this process's CPU time, time inside the processor's callbacks. */
export interface Cost {
  wallMs: number;
  cpuMs: number;
  callbackMs: number;
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
export function startClock(takeCallbackMs: () => number): () => Cost {
  takeCallbackMs();
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  return () => {
    const wallMs = performance.now() - wallStart;
    const cpuMs = cpuMsSince(cpuStart);
    return { wallMs, cpuMs, callbackMs: takeCallbackMs() };
  };
}

export const perUnit = (cost: Cost, units: number): Cost => ({
  wallMs: cost.wallMs / units,
  cpuMs: cost.cpuMs / units,
  callbackMs: cost.callbackMs / units,
});
