/**
 * Progress lines for slow installs: one line when a step starts, a heartbeat while it runs, one
 * line with the elapsed time when it ends. A first install takes minutes; silence would look hung.
 */

export type LogLine = (line: string) => void;

export const logToConsole: LogLine = (line) => console.log(line);

const HEARTBEAT_MS = 15_000;

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

/** Runs `work`, printing `[tag] start…`, a heartbeat every 15 s, and `[tag] <done> in Ns`. */
export async function timedStep<T>(
  log: LogLine,
  tag: string,
  start: string,
  done: string,
  work: () => Promise<T>,
): Promise<T> {
  const began = Date.now();
  log(`[${tag}] ${start}`);
  const heartbeat = setInterval(() => {
    log(`[${tag}] still working (${seconds(Date.now() - began)})`);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const result = await work();
    log(`[${tag}] ${done} in ${seconds(Date.now() - began)}`);
    return result;
  } finally {
    clearInterval(heartbeat);
  }
}
