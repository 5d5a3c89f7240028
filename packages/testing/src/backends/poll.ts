/**
 * Waiting for a trace to show up in a backend: exporters and backends are asynchronous, so a
 * reader polls until the trace is there and complete enough, then optionally until it settles.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { walkSpanTree, type SpanTreeNode } from '@agents-tracing/processor';

export interface ReadTraceOptions {
  /** Give up after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Wait until at least this many spans arrived. */
  expectSpans?: number;
  /**
   * Once the trace is there, keep reading until no new span arrived for this many ms, to catch
   * stragglers (and duplicates) when the span count is not known up front.
   */
  settle?: number;
}

const POLL_INTERVAL_MS = 100;

/** What every reader returns at least. */
export interface ReadTrace {
  /** Usually one root; spans whose parent never arrived are roots too. */
  roots: SpanTreeNode[];
  spanCount: number;
}

export interface PollTarget<T extends ReadTrace> {
  /** One read: the trace, or undefined while the backend does not have it. */
  read(): Promise<T | undefined>;
  /** Why a trace that is there is not ready yet, or undefined when it is. */
  notReady?(trace: T): string | undefined;
  /** Names the trace and backend in the timeout error. */
  describe: string;
}

function summarize(trace: ReadTrace): string {
  const names = [...walkSpanTree(trace.roots)].map(({ node }) => node.name);
  return `${trace.spanCount} span(s): ${names.join(', ')}`;
}

export async function pollTrace<T extends ReadTrace>(
  target: PollTarget<T>,
  options: ReadTraceOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  let waitingFor = 'the trace to appear';
  let ready: T | undefined;

  while (ready === undefined) {
    try {
      last = await target.read();
      lastError = undefined;
    } catch (error) {
      // A backend that is (re)starting refuses connections for a moment: keep trying.
      lastError = error;
    }
    if (last !== undefined) {
      const count = last.spanCount;
      const pending =
        target.notReady?.(last) ??
        (options.expectSpans !== undefined && count < options.expectSpans
          ? `${options.expectSpans} spans, has ${count}`
          : undefined);
      if (pending === undefined) {
        ready = last;
        continue;
      }
      waitingFor = pending;
    }
    if (Date.now() > deadline) {
      const found = last === undefined ? '' : `; found ${summarize(last)}`;
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(
        `${target.describe}: still waiting for ${waitingFor} after ${timeoutMs} ms${found}${cause}`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }

  if (options.settle !== undefined) {
    let quietSince = Date.now();
    let count = ready.spanCount;
    // A trace that keeps growing still ends at the deadline (or one quiet period from now).
    const hardStop = Math.max(deadline, quietSince + options.settle);
    while (Date.now() - quietSince < options.settle && Date.now() < hardStop) {
      await sleep(POLL_INTERVAL_MS);
      const next = await target.read();
      if (next === undefined) continue;
      ready = next;
      if (next.spanCount !== count) {
        count = next.spanCount;
        quietSince = Date.now();
      }
    }
  }
  return ready;
}
