/**
 * Reading a digest back: from the root span's attributes (as a backend returns them), or from
 * MLflow trace tags. Also the tags themselves, for an MLflow exporter to add.
 */
import type { AttributeValue } from '../tree/span-tree.js';
import { DIGEST_ALGORITHMS, DIGEST_ATTRIBUTES, MLFLOW_TRACE_TAG_PREFIX, type DigestAlgorithm } from './attributes.js';

export interface DigestRecord {
  digest: string;
  algorithm: DigestAlgorithm;
  keyId?: string;
  spanIds: string[];
  /** Encoded field fingerprints per span id; absent when the record came from trace tags. */
  fields?: string[];
}

/** MLflow caps a tag value at 8000 characters (and cuts longer ones). */
const MLFLOW_TAG_VALUE_LIMIT = 8000;
const SPAN_ID_SEPARATOR = ',';

const ALGORITHMS: readonly string[] = Object.values(DIGEST_ALGORITHMS);

/** Arrays come back as arrays from OTLP backends, and as JSON text from Jaeger's classic API. */
function stringList(value: AttributeValue | undefined): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** The digest record in a span's attributes, or undefined when it has none (or a broken one). */
export function readDigestRecord(attributes: Readonly<Record<string, AttributeValue>>): DigestRecord | undefined {
  const digest = attributes[DIGEST_ATTRIBUTES.DIGEST];
  const algorithm = attributes[DIGEST_ATTRIBUTES.ALGORITHM];
  const spanIds = stringList(attributes[DIGEST_ATTRIBUTES.SPAN_IDS]);
  if (typeof digest !== 'string' || typeof algorithm !== 'string' || !ALGORITHMS.includes(algorithm) || !spanIds) {
    return undefined;
  }
  const keyId = attributes[DIGEST_ATTRIBUTES.KEY_ID];
  const fields = stringList(attributes[DIGEST_ATTRIBUTES.FIELDS]);
  return {
    digest: digest.toLowerCase(),
    algorithm: algorithm as DigestAlgorithm,
    ...(typeof keyId === 'string' ? { keyId } : {}),
    spanIds: spanIds.map((id) => id.toLowerCase()),
    ...(fields && fields.length === spanIds.length ? { fields } : {}),
  };
}

/**
 * Root-span attributes that MLflow turns into trace tags: the digest, its algorithm and key id,
 * and the covered span ids (comma-separated) when they fit in a tag. Fingerprints stay on the
 * root span only.
 */
export function mlflowDigestTagAttributes(rootAttributes: Readonly<Record<string, AttributeValue>>): Record<string, string> {
  const record = readDigestRecord(rootAttributes);
  if (!record) return {};
  const tags: Record<string, string> = {
    [DIGEST_ATTRIBUTES.DIGEST]: record.digest,
    [DIGEST_ATTRIBUTES.ALGORITHM]: record.algorithm,
    ...(record.keyId ? { [DIGEST_ATTRIBUTES.KEY_ID]: record.keyId } : {}),
  };
  const spanIds = record.spanIds.join(SPAN_ID_SEPARATOR);
  if (spanIds.length <= MLFLOW_TAG_VALUE_LIMIT) tags[DIGEST_ATTRIBUTES.SPAN_IDS] = spanIds;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) out[`${MLFLOW_TRACE_TAG_PREFIX}${key}`] = value;
  return out;
}

/** The digest record kept in MLflow trace tags, when they hold one with its span ids. */
export function digestRecordFromTags(tags: Readonly<Record<string, string>>): DigestRecord | undefined {
  const spanIds = tags[DIGEST_ATTRIBUTES.SPAN_IDS];
  return readDigestRecord({
    ...tags,
    ...(spanIds === undefined ? {} : { [DIGEST_ATTRIBUTES.SPAN_IDS]: spanIds.split(SPAN_ID_SEPARATOR) }),
  });
}
