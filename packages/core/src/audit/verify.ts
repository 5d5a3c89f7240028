/**
 * Checking a trace read back from a backend against its digest, and naming what differs: spans
 * changed (with their fields), missing, or not covered by the digest.
 */
import type { FlatSpan } from '../tree/span-tree.js';
import { DIGEST_ALGORITHMS } from './attributes.js';
import { digestOf, spanLeaf } from './digest.js';
import { decodeFingerprints, fieldOfToken, type SpanField } from './fingerprint.js';
import type { AuditKey } from './key.js';
import { readDigestRecord, type DigestRecord } from './record.js';

export type FieldChange = SpanField & { change: 'changed' | 'added' | 'removed' };

export interface ChangedSpan {
  spanId: string;
  name: string;
  fields: FieldChange[];
}

export interface MissingSpan {
  spanId: string;
  /** Names of spans still there that give it as their parent: a hint to what it was. */
  childNames: string[];
}

export interface ExtraSpan {
  spanId: string;
  name: string;
  parentSpanId?: string;
}

/**
 * - `ok`: the digest verifies and every covered span is there, unchanged.
 * - `tampered`: something differs; `changed`, `missing`, `extra` and `notes` say what.
 * - `no-digest`: no span (and no fallback) carries a digest record.
 * - `key-required`: the digest is keyed and no key was given; nothing else differs.
 * - `wrong-key`: the digest is keyed, every span matches its field fingerprints, and the key
 *   given (whose id differs from the record's) does not make the digest. Either the key is not
 *   the one that signed the trace, or someone re-signed it with a key of their own: only the
 *   right key can tell. With the record's key id, a failing digest is `tampered`.
 */
export type Verdict = 'ok' | 'tampered' | 'no-digest' | 'key-required' | 'wrong-key';

export interface VerificationReport {
  verdict: Verdict;
  traceId: string | undefined;
  record?: DigestRecord & { source: 'span' | 'fallback'; holderSpanId?: string };
  /** Whether the recomputed digest equals the record's; undefined when it cannot be computed. */
  digestMatches?: boolean;
  changed: ChangedSpan[];
  missing: MissingSpan[];
  extra: ExtraSpan[];
  /** Why a verdict is what it is, when the lists above do not say it. */
  notes: string[];
  /** Spans read, and spans the record covers. */
  spanCount: number;
  coveredCount: number;
}

export interface VerifyOptions {
  /** The key of a keyed digest. */
  key?: AuditKey;
  /** Copies of the digest kept elsewhere (taken at run time, MLflow's trace tag): the record must match each. */
  keptDigests?: readonly KeptDigest[];
  /** The record to use when no span carries one (the root span was deleted): MLflow's trace tags. */
  fallbackRecord?: DigestRecord;
  /** Spans the record does not cover (an application's own spans inside a tool) are listed, not failed. */
  allowUncovered?: boolean;
  /** Backend fields found not to follow from the covered attributes: each fails the check. */
  derivedMismatches?: readonly DerivedFieldMismatch[];
}

/**
 * A field a backend shows that is not covered by the digest but must follow from covered
 * attributes (MLflow's `mlflow.spanOutputs`, a trace's response preview), found not to: with a
 * span for a span's field, without one for the trace's.
 */
export interface DerivedFieldMismatch {
  spanId?: string;
  spanName?: string;
  field: string;
}

export interface KeptDigest {
  /** Where the copy was kept, for the report: "the MLflow trace tag", "--digest". */
  where: string;
  digest: string;
}

interface Holder {
  record: DigestRecord;
  span?: FlatSpan;
}

function findRecord(spans: readonly FlatSpan[], fallback: DigestRecord | undefined): Holder | undefined {
  let found: Holder | undefined;
  for (const span of spans) {
    const record = readDigestRecord(span.attributes);
    if (!record) continue;
    // The trace's root holds it; a record on any other span is only used when the root has none.
    if (!found || (span.parentSpanId === undefined && found.span?.parentSpanId !== undefined)) found = { record, span };
  }
  return found ?? (fallback ? { record: fallback } : undefined);
}

function fieldChanges(recorded: Map<string, string>, actual: Map<string, string>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [token, hash] of recorded) {
    const now = actual.get(token);
    if (now === undefined) changes.push({ ...fieldOfToken(token), change: 'removed' });
    else if (now !== hash) changes.push({ ...fieldOfToken(token), change: 'changed' });
  }
  for (const token of actual.keys()) {
    if (!recorded.has(token)) changes.push({ ...fieldOfToken(token), change: 'added' });
  }
  return changes;
}

function danglingParents(spans: readonly FlatSpan[]): MissingSpan[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, string[]>();
  for (const span of spans) {
    if (span.parentSpanId !== undefined && !ids.has(span.parentSpanId)) {
      children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span.name]);
    }
  }
  return [...children].map(([spanId, childNames]) => ({ spanId, childNames }));
}

export function verifyTraceDigest(spans: readonly FlatSpan[], options: VerifyOptions = {}): VerificationReport {
  const traceId = spans[0]?.traceId;
  const holder = findRecord(spans, options.fallbackRecord);
  if (!holder) {
    return {
      verdict: 'no-digest',
      traceId,
      changed: [],
      missing: danglingParents(spans),
      extra: [],
      notes: ['no span carries a digest: the trace was recorded without auditing, or its root span is gone'],
      spanCount: spans.length,
      coveredCount: 0,
    };
  }
  const { record } = holder;
  const notes: string[] = [];
  const covered = new Set(record.spanIds);
  const byId = new Map<string, FlatSpan[]>();
  for (const span of spans) byId.set(span.spanId, [...(byId.get(span.spanId) ?? []), span]);

  const changed: ChangedSpan[] = [];
  const missingIds: string[] = [];
  const leafHashes: Buffer[] = [];
  record.spanIds.forEach((spanId, index) => {
    const span = byId.get(spanId)?.[0];
    if (!span) {
      missingIds.push(spanId);
      return;
    }
    const leaf = spanLeaf(span);
    leafHashes.push(leaf.hash);
    const recordedFields = record.fields?.[index];
    if (recordedFields === undefined) return;
    const fields = fieldChanges(decodeFingerprints(recordedFields), decodeFingerprints(leaf.fields));
    if (fields.length > 0) changed.push({ spanId, name: span.name, fields });
  });

  const derived = options.derivedMismatches ?? [];
  for (const mismatch of derived) {
    const change: FieldChange = { field: 'attribute', key: mismatch.field, change: 'changed' };
    if (mismatch.spanId === undefined) {
      notes.push(`the trace's ${mismatch.field} does not follow from its spans' covered attributes: it was edited`);
      continue;
    }
    const entry = changed.find((c) => c.spanId === mismatch.spanId);
    if (entry) entry.fields.push(change);
    else changed.push({ spanId: mismatch.spanId, name: mismatch.spanName ?? mismatch.spanId, fields: [change] });
  }

  const extra: ExtraSpan[] = [];
  for (const [spanId, copies] of byId) {
    // A second span under a covered id was slipped in beside the original.
    for (const span of covered.has(spanId) ? copies.slice(1) : copies) {
      extra.push({ spanId, name: span.name, ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}) });
    }
  }

  const missing = missingIds.map((spanId) => ({
    spanId,
    childNames: spans.filter((s) => s.parentSpanId === spanId).map((s) => s.name),
  }));

  const keyed = record.algorithm === DIGEST_ALGORITHMS.HMAC_SHA256;
  let digestMatches: boolean | undefined;
  if (missing.length > 0) {
    notes.push('the digest cannot be recomputed while covered spans are missing');
  } else if (keyed && !options.key) {
    notes.push(`the digest is keyed (key id ${record.keyId ?? 'not recorded'}): a key is needed to check it`);
  } else {
    digestMatches = digestOf(leafHashes, keyed ? options.key?.key : undefined) === record.digest;
  }
  if (keyed && options.key && record.keyId && options.key.keyId !== record.keyId) {
    notes.push(`the digest was made with key id ${record.keyId}, the key given has id ${options.key.keyId}`);
  }
  if (!keyed && options.key) {
    notes.push('the digest is not keyed: it shows edits, but anyone could have made it');
  }
  const keptMismatches = (options.keptDigests ?? []).filter((kept) => kept.digest.toLowerCase() !== record.digest);
  for (const kept of keptMismatches) {
    notes.push(`the trace carries digest ${record.digest}, but ${kept.where} keeps ${kept.digest}`);
  }
  const spansDiffer = changed.length > 0 || missing.length > 0 || (extra.length > 0 && !options.allowUncovered);
  const otherKeyId = keyed && options.key !== undefined && record.keyId !== undefined && options.key.keyId !== record.keyId;
  const wrongKey = otherKeyId && digestMatches === false && !spansDiffer && keptMismatches.length === 0 && record.fields !== undefined;
  if (digestMatches === false && changed.length === 0 && extra.length === 0) {
    notes.push(
      record.fields === undefined
        ? 'the digest differs, and the record has no field fingerprints to say where'
        : wrongKey
          ? `every span matches its field fingerprints but the key given does not make the digest: check with the key of id ${record.keyId}; if your key is the one that signs these traces, someone else signed this one: treat it as tampered`
          : keyed
            ? 'every span matches its field fingerprints but the digest differs: the digest record was altered (or the key, given under the recorded id, is not the one that made it)'
            : 'every span matches its field fingerprints but the digest differs: the digest record was altered',
    );
  }

  const failed = spansDiffer || derived.length > 0 || digestMatches === false || keptMismatches.length > 0;
  const verdict: Verdict = wrongKey ? 'wrong-key' : failed ? 'tampered' : digestMatches === undefined ? 'key-required' : 'ok';
  return {
    verdict,
    traceId,
    record: {
      ...record,
      source: holder.span ? 'span' : 'fallback',
      ...(holder.span ? { holderSpanId: holder.span.spanId } : {}),
    },
    ...(digestMatches === undefined ? {} : { digestMatches }),
    changed,
    missing,
    extra,
    notes,
    spanCount: spans.length,
    coveredCount: record.spanIds.length,
  };
}
