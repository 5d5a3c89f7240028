import { MlflowError } from '@agents-tracing/exporter-mlflow';

export interface RetryOptions {
  /** Give up once this long has passed since the first attempt. */
  retryForMillis: number;
  /** First wait; doubles up to 5 s, with full jitter, as span delivery does. */
  initialDelayMillis?: number;
}

const MAX_DELAY_MILLIS = 5_000;

/**
 * Runs `attempt` until it succeeds, retrying what MLflow says can succeed later (down, busy,
 * failing: `MlflowError.retryable`) and what `alsoRetry` accepts, for up to `retryForMillis`.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: RetryOptions,
  alsoRetry: (error: unknown) => boolean = () => false,
): Promise<T> {
  const began = Date.now();
  let delay = options.initialDelayMillis ?? 250;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = (error instanceof MlflowError && error.retryable) || alsoRetry(error);
      if (!retryable || Date.now() - began >= options.retryForMillis) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * delay));
      delay = Math.min(delay * 2, MAX_DELAY_MILLIS);
    }
  }
}
