/**
 * Removes common credential shapes from captured text before it leaves the process. Runs once
 * over the already-bounded text, so its cost is bounded by the attribute size limit.
 */

export const REDACTED = '[REDACTED]';

/** The credential shapes scrubbed by default. Each pattern never matches `"` or `\`, so
 * scrubbing JSON text keeps it valid JSON. */
export const DEFAULT_SECRET_PATTERNS: readonly RegExp[] = [
  // OpenAI-style API keys: sk-…, sk-proj-…, sk-svcacct-…
  /\bsk-[A-Za-z0-9_-]{20,}/g,
  // Authorization header values.
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g,
  // AWS access key ids and secret keys written as key=value.
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\b(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY)\b\s*[=:]\s*[A-Za-z0-9/+=]{30,}/g,
  // PEM private keys (escaped newlines inside JSON strings stay whole).
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // Credentials inside URLs: scheme://user:password@host
  /(?<=[A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/\s:@"\\]+:[^/\s@"\\]+(?=@)/g,
  // GitHub and Slack tokens.
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
];

export type SecretScrubber = (text: string) => string;

/** Builds one scrubber from several patterns: one combined pass over the text. */
export function createSecretScrubber(patterns: readonly RegExp[]): SecretScrubber {
  if (patterns.length === 0) return (text) => text;
  const flags = new Set(['g', ...patterns.flatMap((p) => [...p.flags])]);
  flags.delete('y');
  const combined = new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), [...flags].join(''));
  return (text) => text.replace(combined, REDACTED);
}
