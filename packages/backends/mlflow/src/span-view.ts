import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * The span as exported, with extra attributes on top of its own. The original is left untouched:
 * other processors and exporters may hold the same object.
 */
export function withExtraAttributes(span: ReadableSpan, extra: Attributes): ReadableSpan {
  if (Object.keys(extra).length === 0) return span;
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: { ...span.attributes, ...extra },
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** MLflow takes the span without a parent as the trace's root. */
export function isRootSpan(span: ReadableSpan): boolean {
  return span.parentSpanContext?.spanId === undefined;
}
