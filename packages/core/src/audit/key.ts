/** The audit key: where it comes from and how it is named without being shown. */
import { createHash } from 'node:crypto';
import { AUDIT_KEY_ENV, AUDIT_KEY_ID_ENV } from './attributes.js';

export interface AuditKey {
  /** Secret bytes for HMAC-SHA256 (a string key is taken as its UTF-8 bytes). */
  key: Buffer;
  /** Recorded with the digest so a verifier knows which key to use. */
  keyId: string;
}

/** The processor's `audit` option. */
export type AuditOption = boolean | { key?: string | Uint8Array; keyId?: string };

/** What auditing does: off, on without a key (plain Merkle digest), or on with a key. */
export type AuditSettings = { enabled: false } | { enabled: true; key?: AuditKey };

/**
 * A name for a key that does not give it away: the first 16 hex characters of a
 * domain-separated SHA-256 of the key.
 */
export function deriveKeyId(key: Uint8Array): string {
  const hash = createHash('sha256').update('agents-tracing audit key id\u0000').update(key).digest('hex');
  return `sha256:${hash.slice(0, 16)}`;
}

export function auditKey(key: string | Uint8Array, keyId?: string): AuditKey {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  if (bytes.length === 0) throw new Error('the audit key is empty');
  return { key: bytes, keyId: keyId || deriveKeyId(bytes) };
}

/**
 * Resolves the `audit` option against the environment. Off unless the option turns it on or
 * `AGENTS_TRACING_AUDIT_KEY` is set (`audit: false` wins over the variable); the option's key
 * and key id win over the variables.
 */
export function resolveAuditSettings(option: AuditOption | undefined, env: NodeJS.ProcessEnv): AuditSettings {
  const envKey = env[AUDIT_KEY_ENV] || undefined;
  const envKeyId = env[AUDIT_KEY_ID_ENV] || undefined;
  if (option === false || (option === undefined && envKey === undefined)) return { enabled: false };
  const fromOption = typeof option === 'object' ? option : {};
  const key = fromOption.key ?? envKey;
  if (key === undefined) return { enabled: true };
  return { enabled: true, key: auditKey(key, fromOption.keyId ?? envKeyId) };
}
