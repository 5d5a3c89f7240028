/**
 * Names of everything the audit digest writes: attributes on the trace's root span, the
 * environment variables a key comes from, and the algorithm identifiers.
 */

/** Attributes the processor sets on a trace's root span when auditing is on. */
export const DIGEST_ATTRIBUTES = {
  /** Hex digest: the Merkle tree hash over the covered spans, or its HMAC when keyed. */
  DIGEST: 'openai.agents.digest',
  /** One of `DIGEST_ALGORITHMS`. */
  ALGORITHM: 'openai.agents.digest.algorithm',
  /** Which key made a keyed digest (never the key itself). */
  KEY_ID: 'openai.agents.digest.key_id',
  /** The covered span ids (16 hex), in leaf order (ascending). */
  SPAN_IDS: 'openai.agents.digest.span_ids',
  /** Per covered span, in the same order: short hashes of each field, to name what changed. */
  FIELDS: 'openai.agents.digest.fields',
} as const;

/** The digest attributes are left out of the root span's own leaf. */
export const isDigestAttribute = (key: string): boolean =>
  key === DIGEST_ATTRIBUTES.DIGEST || key.startsWith(`${DIGEST_ATTRIBUTES.DIGEST}.`);

export const DIGEST_ALGORITHMS = {
  /** Merkle tree hash (RFC 6962 shape) over SHA-256 leaves: detects edits, not forgery. */
  SHA256: 'merkle-sha256-v1',
  /** HMAC-SHA256 of that tree hash: only a key holder can make a digest that verifies. */
  HMAC_SHA256: 'merkle-hmac-sha256-v1',
} as const;

export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[keyof typeof DIGEST_ALGORITHMS];

export const AUDIT_KEY_ENV = 'AGENTS_TRACING_AUDIT_KEY';
export const AUDIT_KEY_ID_ENV = 'AGENTS_TRACING_AUDIT_KEY_ID';

/**
 * Prefix under which MLflow turns root-span attributes into trace tags
 * (`mlflow.traceTag.<tag>` → tag `<tag>`), so the digest is also listed with the trace.
 */
export const MLFLOW_TRACE_TAG_PREFIX = 'mlflow.traceTag.';
