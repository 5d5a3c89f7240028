/**
 * OTLP JSON (protobuf's JSON mapping: camelCase, hex ids, 64-bit integers as strings) read into
 * flat spans of the shared tree model, plus the value conversions any backend reader needs.
 */
import type { AttributeValue, FlatSpan, SpanKindName, SpanStatusName } from './span-tree.js';

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: string | number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  events?: { timeUnixNano: string | number; name: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
}
export interface OtlpTracesData {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: OtlpJsonSpan[] }[];
  }[];
}

export function decodeOtlpAnyValue(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeOtlpAnyValue);
  if (value.kvlistValue !== undefined) return decodeOtlpKeyValues(value.kvlistValue.values);
  return null;
}

export function decodeOtlpKeyValues(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) out[key] = decodeOtlpAnyValue(value);
  return out;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Scalars and arrays of scalars keep their type, as in the in-memory tree. Anything an OTel
 * attribute cannot hold (an object, a nested array) becomes compact JSON text.
 */
export function toAttributeValue(value: unknown): AttributeValue {
  if (isScalar(value)) return value;
  if (Array.isArray(value) && value.every(isScalar)) return value;
  return JSON.stringify(value) ?? String(value);
}

/** Nanoseconds since the epoch → milliseconds, computed as OpenTelemetry's hrTimeToMilliseconds. */
export function nanosToMillis(nanos: string | number | bigint): number {
  const total = BigInt(nanos);
  const seconds = total / 1_000_000_000n;
  const rest = total % 1_000_000_000n;
  return Number(seconds) * 1e3 + Number(rest) / 1e6;
}

/** OTLP's numeric span kinds; 0 (unspecified) reads as INTERNAL, the API's default. */
export function spanKindName(kind: number | undefined): SpanKindName {
  switch (kind) {
    case 2:
      return 'SERVER';
    case 3:
      return 'CLIENT';
    case 4:
      return 'PRODUCER';
    case 5:
      return 'CONSUMER';
    default:
      return 'INTERNAL';
  }
}

/** A status without an empty message, so it compares equal to the in-memory one. */
export function spanStatus(
  code: SpanStatusName,
  message: string | undefined,
): { code: SpanStatusName; message?: string } {
  return message ? { code, message } : { code };
}

const STATUS_CODES: Record<number, SpanStatusName> = { 1: 'OK', 2: 'ERROR' };

export interface FlatSpansFromOtlpJsonOptions {
  /** Attributes (of spans and events) to leave out, e.g. a backend's own annotations. */
  omitAttribute?: (key: string) => boolean;
}

export interface OtlpJsonSpans {
  /** In document order. */
  spans: FlatSpan[];
  /** Span id → the `service.name` of the resource that sent it. */
  serviceBySpan: Map<string, string | undefined>;
}

/** Every span in an OTLP JSON document, with the service that sent each. */
export function flatSpansFromOtlpJson(
  data: OtlpTracesData,
  options: FlatSpansFromOtlpJsonOptions = {},
): OtlpJsonSpans {
  const omit = options.omitAttribute ?? (() => false);
  const attributesOf = (list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> => {
    const out: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(decodeOtlpKeyValues(list))) {
      if (!omit(key)) out[key] = toAttributeValue(value);
    }
    return out;
  };
  const toFlatSpan = (span: OtlpJsonSpan): FlatSpan => ({
    name: span.name,
    kind: spanKindName(span.kind),
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId.toLowerCase() } : {}),
    startTime: nanosToMillis(span.startTimeUnixNano),
    endTime: nanosToMillis(span.endTimeUnixNano),
    status: spanStatus(STATUS_CODES[span.status?.code ?? 0] ?? 'UNSET', span.status?.message),
    attributes: attributesOf(span.attributes),
    events: (span.events ?? []).map((event) => ({
      name: event.name,
      time: nanosToMillis(event.timeUnixNano),
      attributes: attributesOf(event.attributes),
    })),
  });

  const spans: FlatSpan[] = [];
  const serviceBySpan = new Map<string, string | undefined>();
  for (const resourceSpans of data.resourceSpans ?? []) {
    const service = decodeOtlpKeyValues(resourceSpans.resource?.attributes)['service.name'];
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const flat = toFlatSpan(span);
        spans.push(flat);
        serviceBySpan.set(flat.spanId, typeof service === 'string' ? service : undefined);
      }
    }
  }
  return { spans, serviceBySpan };
}
