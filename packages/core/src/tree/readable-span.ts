import { SpanKind, SpanStatusCode, type Attributes, type HrTime, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import { toAttributeValue } from './otlp-json.js';
import type { AttributeValue, FlatSpan, SpanKindName, SpanStatusName } from './span-tree.js';

const KIND_NAMES: Record<SpanKind, SpanKindName> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

const STATUS_NAMES: Record<SpanStatusCode, SpanStatusName> = {
  [SpanStatusCode.UNSET]: 'UNSET',
  [SpanStatusCode.OK]: 'OK',
  [SpanStatusCode.ERROR]: 'ERROR',
};

/**
 * What this package reads of an ended OpenTelemetry SDK span. Declared here, structurally, so the
 * package needs no SDK: the `ReadableSpan` of SDK 2 and of SDK 3 both fit.
 */
export interface ReadableSpanLike {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly events: readonly { name: string; time: HrTime; attributes?: Attributes | undefined }[];
}

export const hrTimeToMs = (time: HrTime): number => time[0] * 1e3 + time[1] / 1e6;

function plainAttributes(attributes: Attributes): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    // API 1.10 admits any value (maps, bytes); the tree model keeps scalars and scalar arrays.
    out[key] = toAttributeValue(Array.isArray(value) ? value.filter((v) => v !== null && v !== undefined) : value);
  }
  return out;
}

/** An OpenTelemetry SDK span as a flat span of the shared tree model. */
export function flatSpanFromReadable(span: ReadableSpanLike): FlatSpan {
  const context = span.spanContext();
  const parentSpanId = span.parentSpanContext?.spanId;
  return {
    name: span.name,
    kind: KIND_NAMES[span.kind],
    traceId: context.traceId,
    spanId: context.spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    startTime: hrTimeToMs(span.startTime),
    endTime: hrTimeToMs(span.endTime),
    status: {
      code: STATUS_NAMES[span.status.code],
      ...(span.status.message ? { message: span.status.message } : {}),
    },
    attributes: plainAttributes(span.attributes),
    events: span.events.map((e) => ({
      name: e.name,
      time: hrTimeToMs(e.time),
      attributes: plainAttributes(e.attributes ?? {}),
    })),
  };
}
