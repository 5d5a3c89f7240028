/**
 * OTLP JSON (protobuf's JSON mapping: camelCase, hex ids, 64-bit integers as strings), the
 * format of the trace file the embedded exporter writes, read into flat spans.
 */
import type { AttributeValue, FlatSpan, SpanKindName, SpanStatusName } from '@agents-tracing/processor';

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: string | number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  events?: { timeUnixNano: string | number; name: string; attributes?: KeyValue[] }[];
  status?: { code?: number; message?: string };
}
export interface OtlpTracesData {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const KINDS: Record<number, SpanKindName> = { 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' };
const STATUSES: Record<number, SpanStatusName> = { 1: 'OK', 2: 'ERROR' };

function decode(value: AnyValue | undefined): unknown {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decode);
  if (value.kvlistValue !== undefined) {
    return Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key, decode(kv.value)]));
  }
  return null;
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function attributes(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    const decoded = decode(value);
    out[key] = isScalar(decoded) || (Array.isArray(decoded) && decoded.every(isScalar)) ? decoded : JSON.stringify(decoded);
  }
  return out;
}

/** Nanoseconds (exact, as text) to milliseconds. */
function nanosToMillis(nanos: string | number): number {
  const total = BigInt(nanos);
  return Number(total / 1_000_000n) + Number(total % 1_000_000n) / 1e6;
}

function toFlatSpan(span: OtlpSpan): FlatSpan {
  const message = span.status?.message;
  return {
    name: span.name,
    kind: KINDS[span.kind ?? 1] ?? 'INTERNAL',
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId.toLowerCase() } : {}),
    startTime: nanosToMillis(span.startTimeUnixNano),
    endTime: nanosToMillis(span.endTimeUnixNano),
    status: { code: STATUSES[span.status?.code ?? 0] ?? 'UNSET', ...(message ? { message } : {}) },
    attributes: attributes(span.attributes),
    events: (span.events ?? []).map((event) => ({
      name: event.name,
      time: nanosToMillis(event.timeUnixNano),
      attributes: attributes(event.attributes),
    })),
  };
}

/** The spans of one trace (32 hex) in an OTLP JSON document. */
export function spansOfTrace(data: OtlpTracesData, traceId: string): FlatSpan[] {
  const spans: FlatSpan[] = [];
  for (const resourceSpans of data.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        if (span.traceId.toLowerCase() === traceId) spans.push(toFlatSpan(span));
      }
    }
  }
  return spans;
}
