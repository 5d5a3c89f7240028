/**
 * Finished spans as JSON and back, for the spool. A decoded span is a ReadableSpan that exports
 * exactly as the original did (same OTLP bytes), so a span sent once by the process that ended it
 * and again from the spool is the same span to the backend.
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import { TraceState, type InstrumentationScope } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

export const SPAN_RECORD_VERSION = 1;

interface ContextRecord {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: string;
}

/** JSON cannot hold NaN or ±Infinity: such numbers travel as `{ "number": "NaN" }`. */
type EncodedValue =
  | string
  | number
  | boolean
  | null
  | { number: string }
  | { bytes: string }
  | { map: Record<string, EncodedValue> }
  | EncodedValue[];
type EncodedAttributes = Record<string, EncodedValue>;

export interface SpanRecord {
  v: typeof SPAN_RECORD_VERSION;
  name: string;
  kind: number;
  context: ContextRecord;
  parent?: ContextRecord;
  startTime: HrTime;
  endTime: HrTime;
  duration: HrTime;
  status: SpanStatus;
  attributes: EncodedAttributes;
  events: { name: string; time: HrTime; attributes?: EncodedAttributes; droppedAttributesCount?: number }[];
  links: { context: ContextRecord; attributes?: EncodedAttributes; droppedAttributesCount?: number }[];
  resource: { attributes: EncodedAttributes; schemaUrl?: string };
  scope: { name: string; version?: string; schemaUrl?: string };
  dropped: [attributes: number, events: number, links: number];
}

export function encodeSpan(span: ReadableSpan): SpanRecord {
  const parent = span.parentSpanContext;
  const schemaUrl = span.resource.schemaUrl;
  const { name, version, schemaUrl: scopeSchemaUrl } = span.instrumentationScope;
  return {
    v: SPAN_RECORD_VERSION,
    name: span.name,
    kind: span.kind,
    context: encodeContext(span.spanContext()),
    ...(parent ? { parent: encodeContext(parent) } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: encodeAttributes(span.attributes),
    events: span.events.map((event) => ({
      name: event.name,
      time: event.time,
      ...(event.attributes ? { attributes: encodeAttributes(event.attributes) } : {}),
      ...(event.droppedAttributesCount !== undefined ? { droppedAttributesCount: event.droppedAttributesCount } : {}),
    })),
    links: span.links.map((link) => ({
      context: encodeContext(link.context),
      ...(link.attributes ? { attributes: encodeAttributes(link.attributes) } : {}),
      ...(link.droppedAttributesCount !== undefined ? { droppedAttributesCount: link.droppedAttributesCount } : {}),
    })),
    resource: { attributes: encodeAttributes(span.resource.attributes), ...(schemaUrl ? { schemaUrl } : {}) },
    scope: { name, ...(version !== undefined ? { version } : {}), ...(scopeSchemaUrl !== undefined ? { schemaUrl: scopeSchemaUrl } : {}) },
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
  };
}

/**
 * Resources and instrumentation scopes already rebuilt, by content: exporters group spans by the
 * identity of these objects, so spans that shared one when they were written share one again.
 */
export type SharedObjects = Map<string, Resource | InstrumentationScope>;

/**
 * Rebuilds a span from a record read back from disk (pass one `shared` map for all the spans of
 * a read). Throws on a record that does not have the expected shape.
 */
export function decodeSpan(value: unknown, shared: SharedObjects): ReadableSpan {
  const record = value as SpanRecord;
  if (!isObject(record) || record.v !== SPAN_RECORD_VERSION) throw new Error('not a span record of a known version');
  const name = requireType(record.name, 'string', 'name');
  const kind = requireType(record.kind, 'number', 'kind');
  const context = decodeContext(record.context);
  const parent = record.parent === undefined ? undefined : decodeContext(record.parent);
  const startTime = requireHrTime(record.startTime, 'startTime');
  const endTime = requireHrTime(record.endTime, 'endTime');
  const duration = requireHrTime(record.duration, 'duration');
  if (!isObject(record.status) || typeof record.status.code !== 'number') throw new Error('bad status');
  const status: SpanStatus =
    record.status.message === undefined ? { code: record.status.code } : { code: record.status.code, message: String(record.status.message) };
  const events: TimedEvent[] = requireArray(record.events, 'events').map((event) => ({
    name: requireType(event.name, 'string', 'event name'),
    time: requireHrTime(event.time, 'event time'),
    ...(event.attributes !== undefined ? { attributes: decodeAttributes(event.attributes) } : {}),
    ...(event.droppedAttributesCount !== undefined ? { droppedAttributesCount: event.droppedAttributesCount } : {}),
  }));
  const links: Link[] = requireArray(record.links, 'links').map((link) => ({
    context: decodeContext(link.context),
    ...(link.attributes !== undefined ? { attributes: decodeAttributes(link.attributes) } : {}),
    ...(link.droppedAttributesCount !== undefined ? { droppedAttributesCount: link.droppedAttributesCount } : {}),
  }));
  const [droppedAttributesCount, droppedEventsCount, droppedLinksCount] = requireArray(record.dropped, 'dropped counts');
  return {
    name,
    kind,
    spanContext: () => context,
    ...(parent ? { parentSpanContext: parent } : {}),
    startTime,
    endTime,
    duration,
    status,
    attributes: decodeAttributes(record.attributes),
    links,
    events,
    ended: true,
    resource: sharedResource(record.resource, shared),
    instrumentationScope: sharedScope(record.scope, shared),
    droppedAttributesCount: requireType(droppedAttributesCount, 'number', 'dropped attributes'),
    droppedEventsCount: requireType(droppedEventsCount, 'number', 'dropped events'),
    droppedLinksCount: requireType(droppedLinksCount, 'number', 'dropped links'),
  };
}

function encodeContext(context: SpanContext): ContextRecord {
  const traceState = context.traceState?.serialize();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
    ...(context.isRemote !== undefined ? { isRemote: context.isRemote } : {}),
    ...(traceState ? { traceState } : {}),
  };
}

function decodeContext(value: ContextRecord | undefined): SpanContext {
  if (!isObject(value)) throw new Error('bad span context');
  return {
    traceId: requireType(value.traceId, 'string', 'trace id'),
    spanId: requireType(value.spanId, 'string', 'span id'),
    traceFlags: requireType(value.traceFlags, 'number', 'trace flags'),
    ...(value.isRemote !== undefined ? { isRemote: Boolean(value.isRemote) } : {}),
    ...(typeof value.traceState === 'string' ? { traceState: new TraceState(value.traceState) } : {}),
  };
}

function encodeAttributes(attributes: Attributes): EncodedAttributes {
  const out: EncodedAttributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) out[key] = encodeValue(value);
  }
  return out;
}

/** Any value API 1.10 admits: scalars, arrays, byte arrays and maps, nested. */
function encodeValue(value: unknown): EncodedValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { number: String(value) };
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') };
  if (typeof value === 'object') {
    return { map: Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeValue(item)])) };
  }
  return String(value);
}

function decodeAttributes(value: unknown): Attributes {
  if (!isObject(value)) throw new Error('bad attributes');
  const out: Attributes = {};
  for (const [key, encoded] of Object.entries(value)) out[key] = decodeValue(encoded as EncodedValue) as AttributeValue;
  return out;
}

function decodeValue(value: EncodedValue): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value !== 'object' || value === null) return value;
  if ('number' in value) return Number(value.number);
  if ('bytes' in value) return new Uint8Array(Buffer.from(value.bytes, 'base64'));
  return Object.fromEntries(Object.entries(value.map).map(([key, item]) => [key, decodeValue(item)]));
}

function sharedResource(value: SpanRecord['resource'], shared: SharedObjects): Resource {
  if (!isObject(value)) throw new Error('bad resource');
  const key = `resource ${JSON.stringify(value)}`;
  let resource = shared.get(key) as Resource | undefined;
  if (!resource) {
    resource = resourceFromAttributes(decodeAttributes(value.attributes), value.schemaUrl ? { schemaUrl: value.schemaUrl } : undefined);
    shared.set(key, resource);
  }
  return resource;
}

function sharedScope(value: SpanRecord['scope'], shared: SharedObjects): InstrumentationScope {
  if (!isObject(value)) throw new Error('bad instrumentation scope');
  const key = `scope ${JSON.stringify(value)}`;
  let scope = shared.get(key) as InstrumentationScope | undefined;
  if (!scope) {
    scope = {
      name: requireType(value.name, 'string', 'scope name'),
      ...(value.version !== undefined ? { version: String(value.version) } : {}),
      ...(value.schemaUrl !== undefined ? { schemaUrl: String(value.schemaUrl) } : {}),
    };
    shared.set(key, scope);
  }
  return scope;
}

function isObject(value: unknown): value is Record<string, never> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireType<T extends 'string' | 'number'>(
  value: unknown,
  type: T,
  what: string,
): T extends 'string' ? string : number {
  if (typeof value !== type) throw new Error(`bad ${what}`);
  return value as T extends 'string' ? string : number;
}

function requireHrTime(value: unknown, what: string): HrTime {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number') {
    throw new Error(`bad ${what}`);
  }
  return [value[0], value[1]];
}

function requireArray<T>(value: T[] | undefined, what: string): T[] {
  if (!Array.isArray(value)) throw new Error(`bad ${what}`);
  return value;
}
