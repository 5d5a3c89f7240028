export { DeliverySpanProcessor, type DeliverySpanProcessorOptions } from './delivery-span-processor.js';
export { DEFAULT_DELIVERY_OPTIONS, resolveDeliveryOptions, type DeliveryOptions } from './options.js';
export { sumDeliveryCounts, type DeliveryCounts, type DeliveryStats } from './stats.js';
export { Spool, type RecoveredSpans, type SpoolRef } from './spool/spool.js';
export { encodeSpan, decodeSpan, type SharedObjects, type SpanRecord } from './span-codec.js';
export { retryDelay } from './backoff.js';
export { isRetryable } from './export-attempt.js';
export { installExitHooks, type ExitHookTarget } from './exit-hooks.js';
export type { DeliveryLogger } from './logger.js';
