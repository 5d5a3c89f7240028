/**
 * The canonical form of a span: what the digest covers, written so that what backends
 * legitimately do to a span (typed versus JSON-encoded attribute values, microsecond or
 * nanosecond times, attributes of their own) does not change it. docs/audit.md specifies it for
 * verifiers in other languages.
 */
import type { AttributeValue, FlatSpan } from '../tree/span-tree.js';
import { isDigestAttribute } from './attributes.js';

/** Lone UTF-16 surrogates become U+FFFD, as they do when a span is encoded as UTF-8 for export. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD');

/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as ECMAScript's JSON.stringify writes them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string') return JSON.stringify(wellFormed(value));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [wellFormed(k), v] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(wellFormed(String(value)));
}

/** Only text that starts like a JSON object, array or string literal is tried as JSON. */
function parseJson(text: string): unknown {
  if (!/^\s*[{["]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * An attribute value as canonical text. MLflow stores values JSON-encoded and decodes text that
 * is itself JSON once more, so text holding a JSON object, array or string literal is decoded
 * here too (a string literal repeatedly), and objects and arrays are written canonically.
 * Numbers and booleans are their JSON text, so a typed value equals its string form.
 */
export function canonicalAttributeValue(value: AttributeValue | unknown): string {
  if (typeof value === 'string') {
    let text = value;
    for (;;) {
      const parsed = parseJson(text);
      if (typeof parsed === 'string') text = parsed;
      else if (parsed !== null && typeof parsed === 'object') return canonicalJson(parsed);
      else return wellFormed(text);
    }
  }
  return canonicalJson(value);
}

/** Key prefixes of attributes that backends own: MLflow's `mlflow.*`, Jaeger's `@jaeger@*` annotations. */
export const BACKEND_ATTRIBUTE_PREFIXES: readonly string[] = ['mlflow.', '@jaeger@'];

/**
 * Keys outside those prefixes that an exporter or backend writes itself: MLflow copies the
 * resource's `service.name` onto root spans, and the MLflow exporter sets `session.id` (MLflow's
 * session) from `gen_ai.conversation.id`, cut to MLflow's length limit. The conversation id itself
 * is covered.
 */
export const BACKEND_ATTRIBUTE_KEYS: readonly string[] = ['service.name', 'session.id'];

/** Everything a span carries is covered, except backend-owned attributes and the digest itself. */
export function isCoveredAttribute(key: string): boolean {
  return (
    !BACKEND_ATTRIBUTE_PREFIXES.some((prefix) => key.startsWith(prefix)) &&
    !BACKEND_ATTRIBUTE_KEYS.includes(key) &&
    !isDigestAttribute(key)
  );
}

/** The covered fields of a span, as strings and integers only. */
export interface CanonicalSpan {
  traceId: string;
  spanId: string;
  /** Empty for a span without a parent. */
  parentSpanId: string;
  name: string;
  /** Integer milliseconds since the epoch. */
  startTime: number;
  endTime: number;
  status: { code: string; message: string };
  /** Covered attributes, each value in canonical text. */
  attributes: Record<string, string>;
}

export function canonicalSpan(span: FlatSpan): CanonicalSpan {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (isCoveredAttribute(key)) attributes[wellFormed(key)] = canonicalAttributeValue(value);
  }
  return {
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    parentSpanId: span.parentSpanId?.toLowerCase() ?? '',
    name: wellFormed(span.name),
    startTime: Math.round(span.startTime),
    endTime: Math.round(span.endTime),
    status: { code: span.status.code, message: wellFormed(span.status.message ?? '') },
    attributes,
  };
}

/** The bytes a span's leaf hash is taken over: UTF-8 of the canonical span's JCS text. */
export function canonicalSpanBytes(span: CanonicalSpan): Buffer {
  return Buffer.from(canonicalJson(span), 'utf8');
}
