/**
 * Field fingerprints: a short hash per covered field of a span (name, parent, times, status, each
 * attribute), kept beside the digest so a verifier can name the field that changed. They are a
 * diagnosis, not the proof: the verdict comes from the digest.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type CanonicalSpan } from './canonical.js';

/** Hex characters kept per field: 32 bits tell fields apart; the digest carries the security. */
const FINGERPRINT_HEX = 8;
const ATTRIBUTE_PREFIX = '@';

/** A field of a span: one of the fixed fields, or `attribute` with its key. */
export type SpanField =
  | { field: 'name' | 'parent' | 'start' | 'end' | 'status' }
  | { field: 'attribute'; key: string };

const FIXED_FIELDS = ['name', 'parent', 'start', 'end', 'status'] as const;

function fingerprint(field: string, canonicalValue: string): string {
  return createHash('sha256')
    .update(`${field}\u0000${canonicalValue}`, 'utf8')
    .digest('hex')
    .slice(0, FINGERPRINT_HEX);
}

function fixedValue(span: CanonicalSpan, field: (typeof FIXED_FIELDS)[number]): string {
  switch (field) {
    case 'name':
      return span.name;
    case 'parent':
      return span.parentSpanId;
    case 'start':
      return String(span.startTime);
    case 'end':
      return String(span.endTime);
    case 'status':
      return canonicalJson(span.status);
  }
}

/** Field token → fingerprint, attribute keys as `@<percent-encoded key>`. */
export function fieldFingerprints(span: CanonicalSpan): Map<string, string> {
  const out = new Map<string, string>();
  for (const field of FIXED_FIELDS) out.set(field, fingerprint(field, fixedValue(span, field)));
  for (const key of Object.keys(span.attributes).sort()) {
    const token = `${ATTRIBUTE_PREFIX}${encodeURIComponent(key)}`;
    out.set(token, fingerprint(token, span.attributes[key] as string));
  }
  return out;
}

/** `token=hash` pairs joined by spaces: one string per span, short and free of JSON look-alikes. */
export const encodeFingerprints = (fingerprints: ReadonlyMap<string, string>): string =>
  [...fingerprints].map(([token, hash]) => `${token}=${hash}`).join(' ');

export function decodeFingerprints(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of text.split(' ')) {
    const at = pair.lastIndexOf('=');
    if (at > 0) out.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return out;
}

const isFixedField = (token: string): token is (typeof FIXED_FIELDS)[number] =>
  (FIXED_FIELDS as readonly string[]).includes(token);

export function fieldOfToken(token: string): SpanField {
  if (isFixedField(token)) return { field: token };
  const encoded = token.startsWith(ATTRIBUTE_PREFIX) ? token.slice(1) : token;
  try {
    return { field: 'attribute', key: decodeURIComponent(encoded) };
  } catch {
    return { field: 'attribute', key: encoded };
  }
}
