/**
 * Making a trace's digest: one leaf per covered span, a Merkle tree over the leaves in span-id
 * order, optionally keyed with HMAC-SHA256, written as attributes for the trace's root span.
 */
import { createHmac } from 'node:crypto';
import type { AttributeValue, FlatSpan } from '../tree/span-tree.js';
import { DIGEST_ALGORITHMS, DIGEST_ATTRIBUTES, type DigestAlgorithm } from './attributes.js';
import { canonicalSpan, canonicalSpanBytes } from './canonical.js';
import { encodeFingerprints, fieldFingerprints } from './fingerprint.js';
import type { AuditKey } from './key.js';
import { merkleLeafHash, merkleRoot } from './merkle.js';

/**
 * What the digest keeps of one span: small, so a processor can make it when the span ends and
 * let go of the span's content.
 */
export interface SpanLeaf {
  spanId: string;
  /** SHA-256(0x00 ‖ canonical span bytes). */
  hash: Buffer;
  /** Encoded field fingerprints. */
  fields: string;
}

export function spanLeaf(span: FlatSpan): SpanLeaf {
  const canonical = canonicalSpan(span);
  return {
    spanId: canonical.spanId,
    hash: merkleLeafHash(canonicalSpanBytes(canonical)),
    fields: encodeFingerprints(fieldFingerprints(canonical)),
  };
}

const byLeafOrder = (a: SpanLeaf, b: SpanLeaf): number =>
  a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : Buffer.compare(a.hash, b.hash);

/** The digest over leaves already in leaf order: hex of the tree hash, or of its HMAC. */
export function digestOf(orderedLeafHashes: readonly Buffer[], key: Buffer | undefined): string {
  const root = merkleRoot(orderedLeafHashes);
  return key ? createHmac('sha256', key).update(root).digest('hex') : root.toString('hex');
}

export const algorithmFor = (key: AuditKey | undefined): DigestAlgorithm =>
  key ? DIGEST_ALGORITHMS.HMAC_SHA256 : DIGEST_ALGORITHMS.SHA256;

/**
 * The attributes to set on the trace's root span, from the leaves of every span the processor
 * produced for the trace, the root included (its leaf made before these attributes were set).
 */
export function digestAttributes(leaves: readonly SpanLeaf[], key?: AuditKey): Record<string, AttributeValue> {
  const ordered = [...leaves].sort(byLeafOrder);
  return {
    [DIGEST_ATTRIBUTES.DIGEST]: digestOf(
      ordered.map((leaf) => leaf.hash),
      key?.key,
    ),
    [DIGEST_ATTRIBUTES.ALGORITHM]: algorithmFor(key),
    ...(key ? { [DIGEST_ATTRIBUTES.KEY_ID]: key.keyId } : {}),
    [DIGEST_ATTRIBUTES.SPAN_IDS]: ordered.map((leaf) => leaf.spanId),
    [DIGEST_ATTRIBUTES.FIELDS]: ordered.map((leaf) => leaf.fields),
  };
}

/**
 * `digestAttributes` from whole spans: every span the processor produced for one trace, the
 * root as it is about to end (digest attributes on it, if any, are not covered).
 */
export function computeTraceDigest(spans: readonly FlatSpan[], key?: AuditKey): Record<string, AttributeValue> {
  return digestAttributes(spans.map(spanLeaf), key);
}
