import { setTimeout as sleep } from 'node:timers/promises';

interface SearchAnswer {
  data?: { spans?: unknown[] }[];
}

/** Spans Jaeger holds for a service, through its query API's trace search. */
export async function spansInJaeger(queryUrl: string, service: string, maxTraces: number): Promise<number> {
  const url = `${queryUrl}/api/traces?service=${encodeURIComponent(service)}&limit=${maxTraces}&lookback=1h`;
  const response = await fetch(url);
  if (response.status === 404) return 0;
  if (!response.ok) throw new Error(`Jaeger search answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const body = (await response.json()) as SearchAnswer;
  return (body.data ?? []).reduce((sum, trace) => sum + (trace.spans?.length ?? 0), 0);
}

/**
 * Polls until Jaeger holds `expected` spans for the service (it stores what it acknowledged at
 * once, so this is normally immediate) or `timeoutMs` passes; returns the last count.
 */
export async function awaitSpansInJaeger(
  queryUrl: string,
  service: string,
  expected: number,
  maxTraces: number,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await spansInJaeger(queryUrl, service, maxTraces);
    if (count >= expected || Date.now() > deadline) return count;
    await sleep(200);
  }
}
