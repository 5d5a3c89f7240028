import { describe, expect, it } from 'vitest';
import { createSecretScrubber, DEFAULT_SECRET_PATTERNS, REDACTED } from '../src/content/scrub.js';

const scrub = createSecretScrubber(DEFAULT_SECRET_PATTERNS);
// A made-up key in the shape of an OpenAI key, assembled so the source holds no such shape.
const FAKE_KEY = ['sk', 'abcdefghijklmnopqrstuvwxyz'].join('-');

describe('default secret scrubbing', () => {
  it.each([
    ['an OpenAI key', 'key=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx123456', 'sk-proj-AbCd'],
    ['a bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'eyJhbGciOiJIUzI1NiJ9'],
    ['basic auth', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA'],
    ['an AWS access key id', 'id AKIAIOSFODNN7EXAMPLE here', 'AKIAIOSFODNN7EXAMPLE'],
    ['an AWS secret key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    ['a private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA'],
    ['a URL with credentials', 'postgres://admin:hunter2@db.internal:5432/app', 'hunter2'],
    ['a GitHub token', 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_abcdef'],
  ])('removes %s', (_shape, text, secret) => {
    const out = scrub(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('keeps JSON valid when scrubbing inside JSON text', () => {
    const json = JSON.stringify({ key: FAKE_KEY, pem: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----', url: 'https://u:p@h/x' });
    expect(JSON.parse(scrub(json))).toEqual({ key: REDACTED, pem: REDACTED, url: `https://${REDACTED}@h/x` });
  });

  it('leaves ordinary text alone', () => {
    const text = 'Sunny, 21°C in Paris. Ask me at https://example.com/path?x=1';
    expect(scrub(text)).toBe(text);
  });

  it('can be turned off or given other patterns', () => {
    expect(createSecretScrubber([])(FAKE_KEY)).toBe(FAKE_KEY);
    expect(createSecretScrubber([/\bEMP-\d{6}\b/g])('badge EMP-123456')).toBe(`badge ${REDACTED}`);
  });
});
