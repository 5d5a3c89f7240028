export {
  AUDIT_KEY_ENV,
  AUDIT_KEY_ID_ENV,
  DIGEST_ALGORITHMS,
  DIGEST_ATTRIBUTES,
  MLFLOW_TRACE_TAG_PREFIX,
  isDigestAttribute,
  type DigestAlgorithm,
} from './attributes.js';
export {
  BACKEND_ATTRIBUTE_KEYS,
  BACKEND_ATTRIBUTE_PREFIXES,
  canonicalAttributeValue,
  canonicalJson,
  canonicalSpan,
  canonicalSpanBytes,
  isCoveredAttribute,
  type CanonicalSpan,
} from './canonical.js';
export { merkleLeafHash, merkleRoot } from './merkle.js';
export { decodeFingerprints, encodeFingerprints, fieldFingerprints, fieldOfToken, type SpanField } from './fingerprint.js';
export {
  auditKey,
  deriveKeyId,
  resolveAuditSettings,
  type AuditKey,
  type AuditOption,
  type AuditSettings,
} from './key.js';
export { algorithmFor, computeTraceDigest, digestAttributes, digestOf, spanLeaf, type SpanLeaf } from './digest.js';
export { digestRecordFromTags, mlflowDigestTagAttributes, readDigestRecord, type DigestRecord } from './record.js';
export {
  verifyTraceDigest,
  type ChangedSpan,
  type DerivedFieldMismatch,
  type ExtraSpan,
  type FieldChange,
  type KeptDigest,
  type MissingSpan,
  type Verdict,
  type VerificationReport,
  type VerifyOptions,
} from './verify.js';
