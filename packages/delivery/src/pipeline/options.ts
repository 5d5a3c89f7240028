/** How a delivery pipeline queues, batches, retries and gives up. Every field is optional. */
export interface DeliveryOptions {
  /**
   * Finished spans held in memory per exporter while they wait for export. Past it the oldest
   * spans are dropped first, counted in `stats().dropped` and reported once. Default 10,000.
   */
  maxQueueSize?: number;
  /** Spans sent in one export. Default 512. */
  maxExportBatchSize?: number;
  /** How long a span waits for others to share its export. Default 500 ms. */
  scheduledDelayMillis?: number;
  /** One export attempt that has not answered after this long counts as failed. Default 30,000 ms. */
  exportTimeoutMillis?: number;
  /** Upper bound of the wait before the first retry (full jitter: the wait is uniform below it). Default 500 ms. */
  initialRetryDelayMillis?: number;
  /** Upper bound of any wait between retries; the bound doubles from the first up to this. Default 5,000 ms. */
  maxRetryDelayMillis?: number;
  /**
   * `forceFlush()` waits at most this long for the backend; `shutdown()` right after it shares
   * the same budget. What is left stays queued (and in the spool). Default 4,000 ms, below the
   * Agents SDK's 5 s limit for its own shutdown at exit.
   */
  flushTimeoutMillis?: number;
}

/** The batch settings OpenTelemetry's BatchSpanProcessor takes, by the same names. */
export type BatchSettings = Pick<
  DeliveryOptions,
  'maxQueueSize' | 'maxExportBatchSize' | 'scheduledDelayMillis' | 'exportTimeoutMillis'
>;

export type ResolvedDeliveryOptions = Required<DeliveryOptions>;

export const DEFAULT_DELIVERY_OPTIONS: ResolvedDeliveryOptions = {
  maxQueueSize: 10_000,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 500,
  exportTimeoutMillis: 30_000,
  initialRetryDelayMillis: 500,
  maxRetryDelayMillis: 5_000,
  flushTimeoutMillis: 4_000,
};

/** Defaults filled in; a setting that is not a usable number throws a RangeError naming it. */
export function resolveDeliveryOptions(options: DeliveryOptions = {}): ResolvedDeliveryOptions {
  const resolved = { ...DEFAULT_DELIVERY_OPTIONS };
  for (const name of Object.keys(resolved) as (keyof ResolvedDeliveryOptions)[]) {
    const value = options[name];
    if (value === undefined) continue;
    const least = name === 'maxQueueSize' || name === 'maxExportBatchSize' ? 1 : 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < least) {
      throw new RangeError(`delivery.${name} must be a number ≥ ${least} (got ${String(value)}).`);
    }
    resolved[name] = value;
  }
  return resolved;
}
