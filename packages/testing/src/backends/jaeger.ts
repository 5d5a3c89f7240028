/**
 * Reads a trace back from Jaeger's query API as a span tree.
 *
 * It uses `/api/v3/traces/{id}` (OTLP JSON) rather than the classic `/api/traces/{id}`: the
 * classic form turns array attributes into JSON strings, cuts times to microseconds and folds
 * kind, status and scope into tags, while the OTLP form keeps everything as it was sent.
 */
import {
  buildSpanTree,
  type AttributeValue,
  type FlatSpan,
  type SpanStatusName,
} from '@agents-tracing/processor';
import { pollTrace, type ReadTrace, type ReadTraceOptions } from './poll.js';
import { nanosToMillis, spanKindName, spanStatus, toAttributeValue } from './values.js';

/** OTLP/JSON as protobuf's JSON mapping writes it (camelCase, 64-bit integers as strings). */
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface OtlpTracesData {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

function decodeAnyValue(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeAnyValue);
  if (value.kvlistValue !== undefined) return decodeKeyValues(value.kvlistValue.values);
  return null;
}

function decodeKeyValues(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) out[key] = decodeAnyValue(value);
  return out;
}

/** Jaeger's query service may add `@jaeger@…` attributes (warnings, format); they are its own. */
function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(decodeKeyValues(list))) {
    if (!key.startsWith('@jaeger@')) out[key] = toAttributeValue(value);
  }
  return out;
}

const STATUS_CODES: Record<number, SpanStatusName> = { 1: 'OK', 2: 'ERROR' };

function toFlatSpan(span: OtlpSpan): FlatSpan {
  return {
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
  };
}

export interface JaegerTrace extends ReadTrace {
  traceId: string;
  /** `service.name` of the process that sent the (first) root span. */
  serviceName: string | undefined;
}

function toJaegerTrace(traceId: string, data: OtlpTracesData): JaegerTrace {
  const spans: FlatSpan[] = [];
  const serviceBySpan = new Map<string, string | undefined>();
  for (const resourceSpans of data.resourceSpans ?? []) {
    const service = decodeKeyValues(resourceSpans.resource?.attributes)['service.name'];
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const flat = toFlatSpan(span);
        spans.push(flat);
        serviceBySpan.set(flat.spanId, typeof service === 'string' ? service : undefined);
      }
    }
  }
  const roots = buildSpanTree(spans);
  const firstRoot = roots[0];
  return {
    traceId,
    roots,
    spanCount: spans.length,
    serviceName: firstRoot ? serviceBySpan.get(firstRoot.spanId) : undefined,
  };
}

/**
 * Fetches trace `traceIdHex` from the Jaeger query API at `queryUrl`, polling until it exists
 * (and has `expectSpans` spans, if given). Times out with an error naming what was found.
 */
export async function readJaegerTrace(
  queryUrl: string,
  traceIdHex: string,
  options: ReadTraceOptions = {},
): Promise<JaegerTrace> {
  const traceId = traceIdHex.toLowerCase();
  const url = `${queryUrl.replace(/\/+$/, '')}/api/v3/traces/${traceId}`;
  return pollTrace(
    {
      describe: `Jaeger trace ${traceId} at ${queryUrl}`,
      async read() {
        const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        if (response.status === 404) {
          await response.body?.cancel();
          return undefined;
        }
        if (!response.ok) {
          throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
        }
        const body = (await response.json()) as { result?: OtlpTracesData };
        return toJaegerTrace(traceId, body.result ?? {});
      },
    },
    options,
  );
}
