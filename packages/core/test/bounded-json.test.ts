import { describe, expect, it } from 'vitest';
import { boundedJson } from '../src/content/bounded-json.js';

const LIMIT = 2048;
const encode = (value: unknown, maxLength = LIMIT) => boundedJson(value, { maxLength });
const parsed = (value: unknown, maxLength = LIMIT): unknown => JSON.parse(encode(value, maxLength).text);

describe('boundedJson', () => {
  it('writes plain values exactly as JSON.stringify does', () => {
    const value = { a: 1, b: 'two', c: [true, null, 3.5], d: { e: 'é' } };
    expect(encode(value)).toEqual({ text: JSON.stringify(value), truncated: false });
  });

  it('writes plain data beside values JSON cannot hold as it writes each on its own', () => {
    const plain = { role: 'user', parts: [{ type: 'text', content: 'hi "there"' }, null, 0, -0, false], gone: undefined };
    const value = [plain, { plain, nan: NaN }, [undefined, plain, () => 1], new Map([['plain', plain]]), { toJSON: () => plain }];
    const text = JSON.stringify(plain);
    expect(encode(value)).toEqual({
      text: `[${text},{"plain":${text},"nan":"NaN"},[null,${text},"[Function anonymous]"],{"plain":${text}},${text}]`,
      truncated: false,
    });
  });

  it('describes cycles instead of recursing', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a];
    expect(parsed(a)).toEqual({ name: 'a', self: '[Circular]', list: ['[Circular]'] });
  });

  it('keeps shared (non-circular) references', () => {
    const shared = { x: 1 };
    expect(parsed({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  it('handles BigInt, symbols, functions, undefined and non-finite numbers', () => {
    expect(
      parsed({ big: 12345678901234567890n, sym: Symbol('s'), fn() {}, u: undefined, list: [undefined, () => 1], nan: NaN }),
    ).toEqual({ big: '12345678901234567890', list: [null, '[Function anonymous]'], nan: 'NaN' });
    expect(parsed(Symbol('top'))).toBe('Symbol(top)');
    expect(parsed(undefined)).toBe('[undefined]');
  });

  it('summarises binary data instead of exporting it', () => {
    const out = parsed({ buf: Buffer.alloc(10_000, 1), u8: new Uint8Array(4), ab: new ArrayBuffer(8), f: new Float64Array(2) });
    expect(out).toEqual({
      buf: '[binary Buffer, 10000 bytes]',
      u8: '[binary Uint8Array, 4 bytes]',
      ab: '[binary ArrayBuffer, 8 bytes]',
      f: '[binary Float64Array, 16 bytes]',
    });
  });

  it('survives throwing getters, throwing toJSON and hostile proxies', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    const toJson = { toJSON() {
      throw new TypeError('broken');
    } };
    const proxy = new Proxy({}, { ownKeys() {
      throw new Error('no keys');
    } });
    expect(parsed({ getter, toJson, proxy })).toEqual({
      getter: { ok: 1, bad: '[Throws: Error: nope]' },
      toJson: '[toJSON threw: TypeError: broken]',
      proxy: { '[unreadable]': 'Error: no keys' },
    });
  });

  it('uses toJSON (dates), and serialises Maps, Sets and Errors', () => {
    const out = parsed({ d: new Date(0), m: new Map([['k', 1]]), s: new Set([1, 2]), e: new RangeError('bad') });
    expect(out).toEqual({ d: '1970-01-01T00:00:00.000Z', m: { k: 1 }, s: [1, 2], e: { name: 'RangeError', message: 'bad' } });
  });

  it('keeps lone surrogates as valid escaped JSON', () => {
    const text = encode({ s: 'a\ud800b\udc00' }).text;
    expect(JSON.parse(text)).toEqual({ s: 'a\ud800b\udc00' });
    expect(text).toContain('\\ud800');
  });

  it('stops 10,000-deep nesting at the depth limit', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i += 1) deep = { next: deep };
    const result = encode(deep);
    expect(result.truncated).toBe(true);
    expect(result.text).toContain('[MaxDepth]');
    expect(() => JSON.parse(result.text)).not.toThrow();
  });

  it('cuts a 10 MB string to the limit and keeps valid JSON', () => {
    const result = encode('x'.repeat(10_000_000));
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(LIMIT);
    expect(JSON.parse(result.text)).toMatch(/^x+…\[\d+ characters left out\]…x+$/);
  });

  it('stops reading a huge object once the limit is reached', () => {
    let reads = 0;
    const huge: Record<string, number> = {};
    for (let i = 0; i < 100_000; i += 1) {
      Object.defineProperty(huge, `key${i}`, {
        enumerable: true,
        get() {
          reads += 1;
          return i;
        },
      });
    }
    const result = encode(huge);
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(LIMIT);
    expect(() => JSON.parse(result.text)).not.toThrow();
    // Work is bounded by the limit, not by the size of the value.
    expect(reads).toBeLessThan(LIMIT / 2);
  });

  it('never exceeds the limit, whatever the shape', () => {
    const shapes: unknown[] = [
      Array.from({ length: 5000 }, (_, i) => ({ ['k'.repeat(i % 50)]: ['"\\'.repeat(i % 7), { n: [i, [i, [i]]] }] })),
      { a: { b: { c: { d: { e: 'ü'.repeat(100_000) } } } } },
      Array.from({ length: 1000 }, () => '\u0001'.repeat(100)),
    ];
    for (const limit of [128, 300, 1000, 4096]) {
      for (const shape of shapes) {
        const result = encode(shape, limit);
        expect(result.text.length).toBeLessThanOrEqual(limit);
        expect(() => JSON.parse(result.text)).not.toThrow();
      }
    }
  });
});

describe('boundedJson keeps the start and the end of what does not fit', () => {
  const conversation = Array.from({ length: 200 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `message ${i}: ${'words '.repeat(20)}` }));

  it('keeps the first and the newest messages of a long conversation, and counts those left out', () => {
    const result = encode(conversation);
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(LIMIT);
    const kept = JSON.parse(result.text) as unknown[];
    expect(kept[0]).toEqual(conversation[0]);
    expect(kept.at(-1)).toEqual(conversation.at(-1));
    expect(kept.at(-2)).toEqual(conversation.at(-2));
    const marker = kept.find((item) => typeof item === 'string') as string;
    const leftOut = Number(/^\[(\d+) items left out\]$/.exec(marker)?.[1]);
    expect(leftOut + kept.length - 1).toBe(conversation.length);
    // What is kept is the conversation's own start and end, in order.
    const objects = kept.filter((item) => typeof item !== 'string');
    const startCount = kept.indexOf(marker);
    expect(objects).toEqual([...conversation.slice(0, startCount), ...conversation.slice(conversation.length - (objects.length - startCount))]);
  });

  it('keeps the start and the end of a long string, and says how many characters were left out', () => {
    const text = `BEGIN ${'x'.repeat(100_000)} END`;
    const result = encode(text);
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(LIMIT);
    const kept = JSON.parse(result.text) as string;
    const match = /^(BEGIN x+)…\[(\d+) characters left out\]…(x+ END)$/.exec(kept);
    expect(match).not.toBeNull();
    expect(match![1]!.length + Number(match![2]) + match![3]!.length).toBe(text.length);
  });

  it('cuts inside the last message when it alone is too long, and still ends with its end', () => {
    const messages = [...conversation.slice(0, 3), { role: 'user', content: `${'q'.repeat(50_000)} the actual question?` }];
    const kept = JSON.parse(encode(messages).text) as { content: string }[];
    expect(kept[0]).toEqual(messages[0]);
    expect(kept.at(-1)!.content).toMatch(/…\[\d+ characters left out\]…q+ the actual question\?$/);
  });

  it('keeps messages whole inside an object, and stays within the limit for escapes', () => {
    const value = { messages: conversation.map((m) => ({ ...m, content: `"\\\n${m.content}` })) };
    for (const limit of [128, 500, 2048]) {
      const result = encode(value, limit);
      expect(result.text.length).toBeLessThanOrEqual(limit);
      const kept = JSON.parse(result.text) as { messages: unknown[] };
      if (limit >= 2048) expect(kept.messages.at(-1)).toEqual(value.messages.at(-1));
    }
  });

  it('costs a bounded number of reads for a huge array', () => {
    let reads = 0;
    const items = Array.from({ length: 100_000 }, (_, i) => i);
    const counted = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const result = encode(counted);
    expect(result.truncated).toBe(true);
    expect((JSON.parse(result.text) as unknown[]).at(-1)).toBe(99_999);
    expect(reads).toBeLessThan(3000);
  });
});
