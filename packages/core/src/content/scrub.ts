/**
 * Removes common credential shapes from captured text before it leaves the process. Runs once
 * over the already-bounded text, so its cost is bounded by the attribute size limit.
 */

export const REDACTED = '[REDACTED]';

/** Names that announce a secret in `name=value` / `name: value` form, in the spellings used in code. */
const SECRET_NAMES = [
  'api[_-]?key', 'API[_-]?KEY', 'apiKey', 'ApiKey', 'Api-Key',
  'access[_-]?token', 'ACCESS[_-]?TOKEN', 'accessToken', 'auth[_-]?token', 'AUTH[_-]?TOKEN', 'authToken',
  'client[_-]?secret', 'CLIENT[_-]?SECRET', 'clientSecret', 'secret[_-]?key', 'SECRET[_-]?KEY', 'secretKey',
  'password', 'Password', 'PASSWORD', 'passwd', 'PASSWD',
].join('|');

/** `name=`, `name: `, `"name":"` or `\"name\":\"` before a secret's value. */
const ASSIGNMENT_PREFIX = new RegExp(`^\\b(?:${SECRET_NAMES})(?:\\\\?")?\\s*[=:]\\s*(?:\\\\?")?`);

/** The credential shapes scrubbed by default. What is replaced never holds `"` or `\` (an
 * assignment keeps its quoted name), so scrubbing JSON text keeps it valid JSON. */
export const DEFAULT_SECRET_PATTERNS: readonly RegExp[] = [
  // OpenAI-style API keys: sk-…, sk-proj-…, sk-svcacct-…, sk-ant-…
  /\bsk-[A-Za-z0-9_-]{20,}/g,
  // Authorization header values.
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g,
  // AWS access key ids and secret keys written as key=value.
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\b(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY)\b\s*[=:]\s*[A-Za-z0-9/+=]{30,}/g,
  // PEM private keys (escaped newlines inside JSON strings stay whole).
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // Credentials inside URLs: scheme://user:password@host (the scheme and host are kept). Starts
  // at the literal `://`, which the regular expression engine finds fast.
  /:\/\/[^/\s:@"\\]+:[^/\s@"\\]+@/g,
  // GitHub and Slack tokens, Slack webhook URLs.
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bhooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{16,}/g,
  // Stripe secret and restricted keys (publishable pk_ keys are public by design).
  /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g,
  // Google API keys.
  /\bAIza[0-9A-Za-z_-]{35}/g,
  // JSON Web Tokens: two base64url JSON objects ({" encodes as eyJ) and a signature.
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  // Azure storage and Service Bus connection-string keys, and SAS signatures.
  /\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{20,}={0,2}/g,
  /\bsig=[A-Za-z0-9%+/]{20,}={0,2}/g,
  // npm and PyPI tokens.
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\bpypi-AgE[A-Za-z0-9_-]{50,}/g,
  // The value of an assignment to a secret-named key: api_key=…, "password": "…", PASSWORD: ….
  // Only the value goes; a quoted key keeps its quotes (also escaped, in JSON inside JSON).
  new RegExp(`${ASSIGNMENT_PREFIX.source.slice(1)}[^\\s"\\\\&,;]{6,}`, 'g'),
];

/**
 * Something every default shape contains: text without any of these is returned at once, which
 * is most text, at the cost of one simple scan. A URL only triggers with an `@` in its authority:
 * JSON schemas of tools all hold `"$schema":"http://…"`.
 */
const DEFAULT_TRIGGER =
  /s(?:k-|ecret|ig=|haredaccesskey)|b(?:earer|asic)|a(?:kia|sia|iza|ccountkey|pi[_-]?key|ccess[_-]?token|uth[_-]?token)|p(?:rivate key|ypi-|assw)|:\/\/[^/\s@"\\]+@|gh[pousr]_|xox|hooks\.slack|[sr]k_(?:live|test)_|eyj|npm_/i;

const URL_CREDENTIALS = /^:\/\/[^@]*@$/;

/**
 * A match is replaced whole, except credentials in a URL, where the scheme and `@` stay, and an
 * assignment, where the name stays.
 */
const replacement = (match: string): string => {
  if (URL_CREDENTIALS.test(match)) return `://${REDACTED}@`;
  const assignment = ASSIGNMENT_PREFIX.exec(match);
  return assignment ? `${assignment[0]}${REDACTED}` : REDACTED;
};

export type SecretScrubber = (text: string) => string;
/** The credential that contains a position of a text, as its (start, end), if there is one. */
export type SecretLocator = (text: string, at: number) => readonly [start: number, end: number] | undefined;

/** How far from a position a credential containing it is looked for: more than a 4096-bit RSA key in PEM. */
const LOCATE_WINDOW = 8192;
/** Room before a credential's first character for what announces it: `Bearer `, `"password": "`. */
const ANNOUNCEMENT_ROOM = 64;

/** Several patterns as one regular expression, for one combined pass over the text. */
function compile(patterns: readonly RegExp[]): { combined: RegExp; trigger: RegExp | undefined } {
  const flags = new Set(['g', ...patterns.flatMap((p) => [...p.flags])]);
  flags.delete('y');
  const combined = new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), [...flags].join(''));
  return { combined, trigger: patterns === DEFAULT_SECRET_PATTERNS ? DEFAULT_TRIGGER : undefined };
}

/** Builds one scrubber from several patterns: one combined pass over the text. */
export function createSecretScrubber(patterns: readonly RegExp[]): SecretScrubber {
  if (patterns.length === 0) return (text) => text;
  const { combined, trigger } = compile(patterns);
  return (text) => (trigger && !trigger.test(text) ? text : text.replace(combined, replacement));
}

/**
 * Finds the credential a scrubber with the same patterns would replace at a position, so that a
 * cut there can avoid splitting it.
 */
export function createSecretLocator(patterns: readonly RegExp[]): SecretLocator {
  if (patterns.length === 0) return () => undefined;
  const { combined, trigger } = compile(patterns);
  const window = patterns === DEFAULT_SECRET_PATTERNS ? defaultShapesWindow : wideWindow;
  return (text, at) => {
    const [from, to] = window(text, at);
    const around = text.slice(from, to);
    if (trigger && !trigger.test(around)) return undefined;
    for (const match of around.matchAll(combined)) {
      const start = from + match.index;
      const end = start + match[0].length;
      if (start < at && at < end) return [start, end];
      if (start >= at) break;
    }
    return undefined;
  };
}

function wideWindow(text: string, at: number): [number, number] {
  return [Math.max(0, at - LOCATE_WINDOW), Math.min(text.length, at + LOCATE_WINDOW)];
}

const PEM_BEGIN = '-----BEGIN';
const isTokenBreak = (code: number): boolean => code === 32 || code === 10 || code === 13 || code === 9 || code === 34;

/**
 * Where a default shape containing `at` can be: every one but a PEM key is a run without spaces or
 * quotes, or a few words announcing one (`Bearer `, `password: `) and that run; a PEM key starts
 * at a `-----BEGIN` line.
 */
function defaultShapesWindow(text: string, at: number): [number, number] {
  const limit = Math.max(0, at - LOCATE_WINDOW);
  const end = Math.min(text.length, at + LOCATE_WINDOW);
  // Searched in the window only: on the whole text, a search back from a cut goes to its start.
  const pem = text.slice(limit, at + PEM_BEGIN.length).lastIndexOf(PEM_BEGIN);
  if (pem >= 0) return [limit + pem, end];
  // The run around `at`, then a few words either side of it, each widened to whole runs.
  let from = at;
  while (from > limit && !isTokenBreak(text.charCodeAt(from - 1))) from--;
  from = Math.max(limit, from - ANNOUNCEMENT_ROOM);
  while (from > limit && !isTokenBreak(text.charCodeAt(from - 1))) from--;
  let to = at;
  while (to < end && !isTokenBreak(text.charCodeAt(to))) to++;
  to = Math.min(end, to + ANNOUNCEMENT_ROOM);
  while (to < end && !isTokenBreak(text.charCodeAt(to))) to++;
  return [from, to];
}
