import { describe, expect, it } from 'vitest';
import { createSecretScrubber, DEFAULT_SECRET_PATTERNS, REDACTED } from '../src/content/scrub.js';
import { fakeCredentials, randomToken } from '../../../test/support/fake-credentials.js';

const scrub = createSecretScrubber(DEFAULT_SECRET_PATTERNS);
// A made-up key in the shape of an OpenAI key, assembled so the source holds no such shape.
const FAKE_KEY = ['sk', 'abcdefghijklmnopqrstuvwxyz'].join('-');

describe('default secret scrubbing', () => {
  it.each(Object.entries(fakeCredentials()))('removes %s, in text, in JSON and in JSON inside JSON', (_shape, { text, needle }) => {
    const prose = scrub(`before ${text} after`);
    expect(prose).not.toContain(needle);
    expect(prose).toMatch(/^before .*\[REDACTED\].* after$/s);
    for (const json of [JSON.stringify({ note: text }), JSON.stringify(JSON.stringify({ note: text }))]) {
      const out = scrub(json);
      expect(out).not.toContain(needle);
      expect(out).toContain(REDACTED);
      expect(() => JSON.parse(out) as unknown).not.toThrow();
    }
  });

  it('removes the value of a secret-named key in JSON, keeping the JSON valid', () => {
    const password = randomToken('abcdefghij0123456789', 12);
    const apiKey = randomToken('abcdefghij0123456789', 20);
    const args = { username: 'ops', ['pass' + 'word']: password, ['api' + 'Key']: apiKey, retries: 3 };
    const once = scrub(JSON.stringify(args));
    expect(JSON.parse(once)).toEqual({ ...args, ['pass' + 'word']: REDACTED, ['api' + 'Key']: REDACTED });
    const twice = scrub(JSON.stringify(JSON.stringify(args)));
    expect(JSON.parse(JSON.parse(twice) as string)).toEqual({ ...args, ['pass' + 'word']: REDACTED, ['api' + 'Key']: REDACTED });
  });

  it('finds credentials in a URL next to URLs without them', () => {
    const text = 'schema http://json-schema.org/draft-07/schema# then ftp://admin:hunter22@files.example/x';
    expect(scrub(text)).toBe(`schema http://json-schema.org/draft-07/schema# then ftp://${REDACTED}@files.example/x`);
  });

  it('keeps JSON valid when scrubbing inside JSON text', () => {
    const json = JSON.stringify({ key: FAKE_KEY, pem: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----', url: 'https://u:p@h/x' });
    expect(JSON.parse(scrub(json))).toEqual({ key: REDACTED, pem: REDACTED, url: `https://${REDACTED}@h/x` });
  });

  it.each([
    ['ordinary text', 'Sunny, 21°C in Paris. Ask me at https://example.com/path?x=1'],
    ['talk about tokens and passwords', 'The model used 120 tokens. Reset your password in the settings; the API key page lists keys.'],
    ['a publishable Stripe key and a plain word after sk_', `pk_live_${'a'.repeat(24)} and task_list_items`],
    ['a short password field', '{"password":"","token_count":12}'],
    ['identifiers that start like a key', 'npm_config_cache, AIzaWord, eyJustAWord, signature=abc'],
    ['a tool schema and a URL with an @ in its path', '{"$schema":"http://json-schema.org/draft-07/schema#","see":"https://h.example/@team"}'],
  ])('leaves %s alone', (_what, text) => {
    expect(scrub(text)).toBe(text);
  });

  it('can be turned off or given other patterns', () => {
    expect(createSecretScrubber([])(FAKE_KEY)).toBe(FAKE_KEY);
    expect(createSecretScrubber([/\bEMP-\d{6}\b/g])('badge EMP-123456')).toBe(`badge ${REDACTED}`);
  });
});
