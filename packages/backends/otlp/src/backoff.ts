import type { RetryOptions } from './options.js';

export type RetryPolicy = Required<RetryOptions>;

// Long enough to ride out a collector restart of several seconds; and no longer than the
// BatchSpanProcessor's default export timeout (30 s), after which it stops waiting for a batch.
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxElapsedMillis: 30_000,
  initialDelayMillis: 500,
  maxDelayMillis: 5_000,
};

/**
 * Exponential backoff with full jitter: the wait before retry n (from 1) is uniform between 0 and
 * min(maxDelay, initialDelay · 2^(n-1)), so many exporters that failed together do not retry together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMillis, policy.initialDelayMillis * 2 ** (retry - 1));
  return random() * cap;
}

export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY };
  for (const name of Object.keys(policy) as (keyof RetryPolicy)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${name} must be a number of milliseconds ≥ 0 (got ${value}).`);
    policy[name] = value;
  }
  return policy;
}
