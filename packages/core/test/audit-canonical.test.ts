import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalAttributeValue,
  canonicalJson,
  canonicalSpan,
  isCoveredAttribute,
  merkleLeafHash,
  merkleRoot,
} from '../src/audit/index.js';
import type { FlatSpan } from '../src/tree/span-tree.js';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys, drops whitespace and writes numbers as ECMAScript does', () => {
    expect(canonicalJson({ b: 1, a: [1, 'x', true, null], c: { z: 1e21, y: 0.1, x: -0 } })).toBe(
      '{"a":[1,"x",true,null],"b":1,"c":{"x":0,"y":0.1,"z":1e+21}}',
    );
  });

  it('orders keys by UTF-16 code units, integer-like keys included', () => {
    expect(canonicalJson({ a: 1, '10': 2, '2': 3, é: 4, Z: 5 })).toBe('{"10":2,"2":3,"Z":5,"a":1,"é":4}');
  });
});

describe('canonical attribute values', () => {
  it('gives a typed value and its text the same form (Jaeger keeps types, others keep text)', () => {
    expect(canonicalAttributeValue(120)).toBe(canonicalAttributeValue('120'));
    expect(canonicalAttributeValue(true)).toBe(canonicalAttributeValue('true'));
    expect(canonicalAttributeValue(['a', 'b'])).toBe(canonicalAttributeValue('["a","b"]'));
    expect(canonicalAttributeValue([1, 2.5])).toBe('[1,2.5]');
  });

  // Each pair: what the processor set, and what MLflow 3.17 hands back for it.
  it.each([
    ['"q"', 'q'],
    ['[1, 2]', '[1,2]'],
    [' {"a":1}', '{"a":1}'],
    ['{"b":1,"a":2}', '{"a":2,"b":1}'],
    ['"{\\"b\\":1,\\"a\\":2}"', '{"b":1,"a":2}'],
  ])('survives MLflow decoding JSON text: %s', (sent, readBack) => {
    expect(canonicalAttributeValue(readBack)).toBe(canonicalAttributeValue(sent));
  });

  it('keeps text that is not a JSON object, array or string as it is', () => {
    for (const text of ['', 'null', '123', 'true', 'Sunny, 21°C', '{not json', '1.0']) {
      expect(canonicalAttributeValue(text)).toBe(text);
    }
  });

  it('replaces lone surrogates as UTF-8 export does', () => {
    expect(canonicalAttributeValue('\ud800x')).toBe('\ufffdx');
    expect(canonicalAttributeValue('ok \ud83d\ude00')).toBe('ok \ud83d\ude00');
  });
});

describe('canonical span', () => {
  const span: FlatSpan = {
    name: 'chat gpt-4.1-mini',
    kind: 'CLIENT',
    traceId: '3D04CA99B2314AB4B3019CE61D0AAA1A',
    spanId: 'B3019CE61D0AAA1A',
    parentSpanId: '4576D6FDE33E442B',
    startTime: 1795444601015,
    endTime: 1795444601071,
    status: { code: 'UNSET' },
    attributes: {
      'gen_ai.usage.input_tokens': 120,
      'mlflow.spanType': 'CHAT_MODEL',
      'service.name': 'agents-app',
      '@jaeger@warnings': 'x',
      'openai.agents.digest': 'ab',
    },
    events: [{ name: 'exception', time: 1, attributes: {} }],
  };

  it('covers ids, parent, name, times, status and the attributes the processor sets', () => {
    expect(canonicalSpan(span)).toEqual({
      traceId: '3d04ca99b2314ab4b3019ce61d0aaa1a',
      spanId: 'b3019ce61d0aaa1a',
      parentSpanId: '4576d6fde33e442b',
      name: 'chat gpt-4.1-mini',
      startTime: 1795444601015,
      endTime: 1795444601071,
      status: { code: 'UNSET', message: '' },
      attributes: { 'gen_ai.usage.input_tokens': '120' },
    });
  });

  it('reads times to the millisecond, as Jaeger (µs) and MLflow (ns) return them', () => {
    const fromJaeger = { ...span, startTime: 1795444601015.0002, endTime: 1795444601070.9996 };
    expect(canonicalSpan(fromJaeger)).toEqual(canonicalSpan(span));
  });

  it('leaves out what backends add: mlflow.*, @jaeger@*, service.name, session.id, and the digest itself', () => {
    expect(
      ['mlflow.spanInputs', '@jaeger@format', 'service.name', 'session.id', 'openai.agents.digest.fields'].map(isCoveredAttribute),
    ).toEqual([false, false, false, false, false]);
    expect(['gen_ai.agent.name', 'openai.agents.digester', 'error.type', 'user.id'].map(isCoveredAttribute)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});

describe('Merkle tree hash (RFC 6962 §2.1)', () => {
  // The test vectors of RFC 6962 implementations (Certificate Transparency): leaves are these
  // inputs, roots are for the first n of them.
  const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
  const roots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const leaves = inputs.map((hex) => merkleLeafHash(Buffer.from(hex, 'hex')));

  it.each(roots.map((root, i) => [i + 1, root] as const))('matches the published root over %i leaves', (n, root) => {
    expect(merkleRoot(leaves.slice(0, n)).toString('hex')).toBe(root);
  });

  it('is SHA-256 of nothing for no leaves', () => {
    expect(merkleRoot([]).toString('hex')).toBe(createHash('sha256').digest('hex'));
  });
});
