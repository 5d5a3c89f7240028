export { OpenTelemetryTracingProcessor, type OpenTelemetryTracingProcessorOptions } from './processor.js';
export { AgentsIdGenerator, otelSpanIdFromSdk, rootSpanIdFor } from './ids.js';
export { parseTraceId, InvalidTraceIdError } from './trace-id.js';
export { traceGuardrailInput } from './guardrail-input.js';
export { boundedJson, describeThrown, type BoundedJson, type BoundedJsonOptions } from './content/bounded-json.js';
export {
  ContentEncoder,
  DEFAULT_MAX_ATTRIBUTE_LENGTH,
  type ContentOptions,
  type RedactHook,
  type RedactionSite,
} from './content/encoder.js';
export { DEFAULT_SECRET_PATTERNS, REDACTED, createSecretScrubber } from './content/scrub.js';
export { CAPTURE_CONTENT_ENV } from './content/settings.js';
export { openTelemetryContextStorage } from './context/otel-context-storage.js';
export { mapSpanData, mapTrace, spanKindFor, SpanAttributes } from './mapping/index.js';
export * from './attributes.js';
export * from './tree/span-tree.js';
export { flatSpanFromReadable, hrTimeToMs, type ReadableSpanLike } from './tree/readable-span.js';
export { renderSpanTree, type RenderOptions } from './tree/render.js';
export * from './audit/index.js';
export * from './tree/otlp-json.js';
export * from './metrics/index.js';
export * from './realtime/index.js';
