export const REDACTED = '[REDACTED]';

// Shorter pieces are too likely to be ordinary words; whole values are redacted from 4 characters.
const MIN_SECRET_LENGTH = 4;
const MIN_TOKEN_LENGTH = 8;

/** An endpoint fit for a message: user info and query values, which can hold credentials, are masked. */
export function displayUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#@]*@/i, (_, scheme: string | undefined) => `${scheme ?? ''}${REDACTED}@`)
    .replace(/([?&][^=&#]*=)[^&#]*/g, `$1${REDACTED}`);
}

/**
 * Removes header values from text that may echo them (an error from the server, a response
 * body). A value like "Bearer abc…" is also removed token by token, in case only the token shows.
 */
export function redactHeaderValues(text: string, headers: Readonly<Record<string, string>>): string {
  const secrets = new Set<string>();
  for (const value of Object.values(headers)) {
    if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
    for (const token of value.split(/\s+/)) if (token.length >= MIN_TOKEN_LENGTH) secrets.add(token);
  }
  return [...secrets]
    .sort((a, b) => b.length - a.length)
    .reduce((redacted, secret) => redacted.split(secret).join(REDACTED), text);
}

/** "authorization=[REDACTED], x-scope=[REDACTED]": which headers were sent, never what they held. */
export function listHeaderNames(headers: Readonly<Record<string, string>>): string {
  return Object.keys(headers)
    .map((name) => `${name}=${REDACTED}`)
    .join(', ');
}
