import { describe, expect, it } from 'vitest';
import { ContentEncoder } from '../src/content/encoder.js';
import { REDACTED } from '../src/content/scrub.js';

const site = { spanType: 'response', attribute: 'gen_ai.system_instructions' };
const FAKE_KEY = ['sk', 'abcdefghijklmnopqrstuvwxyz123456'].join('-');

describe('ContentEncoder', () => {
  it('encodes a value built from a key once, and each key to its own value', () => {
    const encoder = new ContentEncoder();
    let builds = 0;
    const build = (text: string) => () => {
      builds += 1;
      return [{ type: 'text', content: text }];
    };
    const first = encoder.encodeKeyed('be brief', build('be brief'), site);
    expect(encoder.encodeKeyed('be brief', build('be brief'), site)).toEqual(first);
    expect(builds).toBe(1);
    expect(encoder.encodeKeyed('be thorough', build('be thorough'), site)?.text).toBe('[{"type":"text","content":"be thorough"}]');
    expect(encoder.encodeKeyed('be brief', build('be brief'), { ...site, attribute: 'other' })?.text).toBe(first?.text);
    expect(builds).toBe(3);
  });

  it('keeps a few keys, and stays right for every key past them', () => {
    const encoder = new ContentEncoder();
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 40; i += 1) {
        expect(encoder.encodeKeyed(`agent ${i}`, () => `instructions of agent ${i}`, site)?.text).toBe(`instructions of agent ${i}`);
      }
    }
  });

  it('bounds and scrubs what it keeps, and remembers a value that encodes to nothing', () => {
    const encoder = new ContentEncoder({ maxAttributeLength: 200 });
    const long = encoder.encodeKeyed('long', () => [{ type: 'text', content: `${FAKE_KEY} ${'x'.repeat(500)}` }], site);
    expect(long?.truncated).toBe(true);
    expect(long?.text.length).toBeLessThanOrEqual(200);
    expect(long?.text).toContain(REDACTED);
    expect(encoder.encodeKeyed('none', () => undefined, site)).toBeUndefined();
    expect(encoder.encodeKeyed('none', () => 'now something', site)).toBeUndefined();
  });

  it('asks the redaction hook every time, since its answer may change', () => {
    let calls = 0;
    const encoder = new ContentEncoder({ redact: (value) => `${String(value)} #${++calls}` });
    expect(encoder.encodeKeyed('k', () => 'v', site)?.text).toBe('v #1');
    expect(encoder.encodeKeyed('k', () => 'v', site)?.text).toBe('v #2');
  });

  it('encodes without a key as it encodes any value', () => {
    const encoder = new ContentEncoder();
    expect(encoder.encodeKeyed(undefined, () => ({ a: 1 }), site)?.text).toBe('{"a":1}');
  });
});
