/**
 * A value longer than the attribute limit is cut in the middle. A cut that fell inside a
 * credential would leave half of it, which no longer has the credential's shape and escapes the
 * scrubber: cuts move to the credential's edge instead, so all of it is left out. Every shape the
 * default scrubber knows, swept across both cuts of a long string, one character at a time.
 */
import { describe, expect, it } from 'vitest';
import { ContentEncoder } from '../src/content/encoder.js';
import { fakeCredentials, randomToken, type PlantedSecret } from '../../../test/support/fake-credentials.js';

const LIMIT = 256;
const site = { spanType: 'function', attribute: 'gen_ai.tool.call.result' };
const encoder = new ContentEncoder({ maxAttributeLength: LIMIT });

/** Every 6-character piece of the secret: none may be stored. */
function leaks(stored: string, { needle }: PlantedSecret): string[] {
  const pieces = new Set<string>();
  for (let i = 0; i + 6 <= needle.length; i++) pieces.add(needle.slice(i, i + 6));
  const escaped = JSON.stringify(stored);
  return [...pieces].filter((piece) => stored.includes(piece) || escaped.includes(JSON.stringify(piece).slice(1, -1)));
}

const filler = (words: number, word: string) => `${word} `.repeat(words);

const longToken = randomToken('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 200);
const shapes: [string, PlantedSecret][] = [
  ...Object.entries(fakeCredentials()),
  ['long bearer token', { text: `Authorization: ${['Bear', 'er'].join('')} ${longToken}`, needle: longToken }],
];

describe.each(shapes)('a %s in a value cut by the size limit', (_shape, secret) => {
  it('is left out whole wherever the cut before the left-out part falls', () => {
    for (let words = 0; words < LIMIT / 2; words++) {
      const value = `${filler(words, 'a')}${secret.text} ${filler(LIMIT, 'b')}`;
      for (const captured of [value, { result: value }]) {
        const { text, truncated } = encoder.encode(captured, site)!;
        expect(truncated).toBe(true);
        expect(leaks(text, secret), `${words} words before it`).toEqual([]);
      }
    }
  });

  it('is left out whole wherever the cut after the left-out part falls', () => {
    for (let words = 0; words < LIMIT / 2; words++) {
      const value = `${filler(LIMIT, 'a')}${secret.text} ${filler(words, 'b')}`;
      const { text, truncated } = encoder.encode(value, site)!;
      expect(truncated).toBe(true);
      expect(leaks(text, secret), `${words} words after it`).toEqual([]);
    }
  });

  it('is left out whole from a long error message cut at the limit', () => {
    for (let words = LIMIT / 2 - secret.text.length; words < LIMIT / 2; words++) {
      const message = `${filler(Math.max(0, words), 'a')}${secret.text} ${filler(LIMIT, 'b')}`;
      expect(leaks(encoder.scrub(message), secret), `${words} words before it`).toEqual([]);
    }
  });
});

it('keeps the text around a credential when it cuts next to it', () => {
  const { openaiKey } = fakeCredentials();
  const value = `${filler(40, 'a')}${openaiKey!.text} ${filler(LIMIT, 'b')}`;
  const { text } = encoder.encode(value, site)!;
  expect(text).toMatch(/^"(a )+…\[\d+ characters left out\]…( b)+ "$/);
  expect(text.length).toBeLessThanOrEqual(LIMIT);
});
