import { inspect } from 'node:util';

export interface ExitHookTarget {
  /** Closes open spans and delivers what it can within its time budget. Never rejects. */
  shutdown(): Promise<void>;
  /** Last synchronous words when the process exits without a shutdown: nothing async runs then. */
  atExit(): void;
}

const targets = new Set<ExitHookTarget>();
let handlingUncaught = false;

/**
 * Covers the exit paths the Agents SDK does not: it already shuts tracing down on `beforeExit`,
 * SIGINT, SIGTERM and unhandled rejections, but an uncaught exception ends the process at once,
 * and `process.exit()` skips `beforeExit`.
 *
 * - Uncaught exception: tracing is shut down (bounded by its flush budget) before the process
 *   ends; then, when no other handler is registered, the error is printed and the process exits
 *   with code 1 as Node would have. With other handlers, they decide.
 * - `exit`: what could not be sent is reported (and open spans are closed, so they reach the
 *   spool when there is one).
 *
 * One pair of process listeners serves every registered target, however many set-ups a process
 * makes. Returns a function that unregisters the target.
 */
export function installExitHooks(target: ExitHookTarget): () => void {
  if (targets.size === 0) {
    process.on('uncaughtException', onUncaughtException);
    process.on('exit', onExit);
  }
  targets.add(target);
  return () => {
    if (!targets.delete(target) || targets.size > 0) return;
    process.off('uncaughtException', onUncaughtException);
    process.off('exit', onExit);
  };
}

function onUncaughtException(error: unknown): void {
  const alone = process.listenerCount('uncaughtException') === 1;
  if (handlingUncaught) return;
  handlingUncaught = true;
  void Promise.all([...targets].map((target) => target.shutdown())).then(() => {
    if (!alone) return;
    process.stderr.write(`${inspect(error)}\n`);
    process.exit(1);
  });
}

function onExit(): void {
  for (const target of targets) target.atExit();
}
