/**
 * Exponential backoff with full jitter: the wait before retry n (from 1) is uniform in
 * [0, min(max, initial · 2^(n-1))), so processes that failed together do not retry together.
 */
export function retryDelay(retry: number, initialMillis: number, maxMillis: number, random: () => number = Math.random): number {
  const bound = Math.min(maxMillis, initialMillis * 2 ** Math.min(retry - 1, 30));
  return random() * bound;
}
