import { describe, expect, it } from 'vitest';
import {
  AUDIT_KEY_ENV,
  AUDIT_KEY_ID_ENV,
  DIGEST_ALGORITHMS,
  DIGEST_ATTRIBUTES,
  auditKey,
  computeTraceDigest,
  digestRecordFromTags,
  mlflowDigestTagAttributes,
  readDigestRecord,
  resolveAuditSettings,
  verifyTraceDigest,
  type AuditKey,
} from '../src/audit/index.js';
import type { AttributeValue, FlatSpan } from '../src/tree/span-tree.js';

const TRACE = '3d04ca99b2314ab4b3019ce61d0aaa1a';
const T0 = 1795444601000;

function span(spanId: string, parentSpanId: string | undefined, name: string, start: number, end: number, attributes: Record<string, AttributeValue>, status: FlatSpan['status'] = { code: 'UNSET' }): FlatSpan {
  return {
    name,
    kind: 'INTERNAL',
    traceId: TRACE,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    startTime: T0 + start,
    endTime: T0 + end,
    status,
    attributes,
    events: [],
  };
}

/** A small agent run as the processor records it: workflow, agent, model call, failing tool. */
function recordedRun(): FlatSpan[] {
  return [
    span('a000000000000001', undefined, 'Travel concierge', 0, 120, {
      'gen_ai.operation.name': 'invoke_workflow',
      'openai.agents.trace_id': `trace_${TRACE}`,
    }),
    span('a000000000000002', 'a000000000000001', 'invoke_agent Weather agent', 2, 110, {
      'gen_ai.agent.name': 'Weather agent',
      'openai.agents.agent.tools': ['get_weather', 'get_weather_alerts'],
    }),
    span('a000000000000003', 'a000000000000002', 'chat gpt-4.1-mini', 5, 60, {
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.input.messages': '[{"role":"user","content":"What is the weather in Paris?"}]',
    }),
    span(
      'a000000000000004',
      'a000000000000002',
      'execute_tool get_weather_alerts',
      61,
      70,
      { 'gen_ai.tool.name': 'get_weather_alerts', 'gen_ai.tool.call.result': '"no alerts"', 'error.type': 'ToolError' },
      { code: 'ERROR', message: 'Error running tool' },
    ),
  ];
}

/** The run with its digest on the root, as it is exported. */
function signedRun(key?: AuditKey): FlatSpan[] {
  const spans = recordedRun();
  const digest = computeTraceDigest(spans, key);
  const [root, ...rest] = spans;
  return [{ ...root!, attributes: { ...root!.attributes, ...digest } }, ...rest];
}

const edit = (spans: FlatSpan[], spanId: string, change: (s: FlatSpan) => FlatSpan): FlatSpan[] =>
  spans.map((s) => (s.spanId === spanId ? change(s) : s));

describe('computeTraceDigest', () => {
  it('covers every span, in span-id order, with one fingerprint string per span', () => {
    const attributes = computeTraceDigest(recordedRun().reverse());
    expect(attributes[DIGEST_ATTRIBUTES.ALGORITHM]).toBe(DIGEST_ALGORITHMS.SHA256);
    expect(attributes[DIGEST_ATTRIBUTES.DIGEST]).toMatch(/^[0-9a-f]{64}$/);
    expect(attributes[DIGEST_ATTRIBUTES.SPAN_IDS]).toEqual(['a000000000000001', 'a000000000000002', 'a000000000000003', 'a000000000000004']);
    expect(attributes[DIGEST_ATTRIBUTES.FIELDS]).toHaveLength(4);
    expect(attributes).not.toHaveProperty(DIGEST_ATTRIBUTES.KEY_ID);
  });

  it('does not depend on span order, and changes with any covered field', () => {
    const digest = computeTraceDigest(recordedRun())[DIGEST_ATTRIBUTES.DIGEST];
    expect(computeTraceDigest(recordedRun().reverse())[DIGEST_ATTRIBUTES.DIGEST]).toBe(digest);
    const renamed = edit(recordedRun(), 'a000000000000003', (s) => ({ ...s, name: 'chat gpt-4o' }));
    expect(computeTraceDigest(renamed)[DIGEST_ATTRIBUTES.DIGEST]).not.toBe(digest);
  });

  it('records the key id with a keyed digest, never the key', () => {
    const key = auditKey('correct horse battery staple');
    const attributes = computeTraceDigest(recordedRun(), key);
    expect(attributes[DIGEST_ATTRIBUTES.ALGORITHM]).toBe(DIGEST_ALGORITHMS.HMAC_SHA256);
    expect(attributes[DIGEST_ATTRIBUTES.KEY_ID]).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(JSON.stringify(attributes)).not.toContain('horse');
    expect(auditKey('k', 'audit-2026').keyId).toBe('audit-2026');
  });
});

describe('verifyTraceDigest', () => {
  it('says OK for the untouched trace', () => {
    const report = verifyTraceDigest(signedRun());
    expect(report).toMatchObject({ verdict: 'ok', digestMatches: true, changed: [], missing: [], extra: [], spanCount: 4, coveredCount: 4 });
    expect(report.record).toMatchObject({ source: 'span', holderSpanId: 'a000000000000001' });
  });

  it('says OK after what backends legitimately do: text for typed values, coarser or finer times, their own attributes', () => {
    const asStoredElsewhere = signedRun().map((s): FlatSpan => ({
      ...s,
      kind: 'INTERNAL' as const,
      startTime: s.startTime + 0.0004,
      endTime: s.endTime - 0.0003,
      events: [{ name: 'exception', time: s.endTime, attributes: {} }],
      attributes: {
        ...Object.fromEntries(
          // Jaeger's classic API writes arrays as JSON text; MLflow may hand numbers back as text.
          Object.entries(s.attributes).map(([k, v]) => [k, typeof v === 'number' ? String(v) : Array.isArray(v) ? JSON.stringify(v) : v]),
        ),
        'mlflow.spanType': 'CHAIN',
        'mlflow.traceRequestId': `tr-${TRACE}`,
        ...(s.parentSpanId ? {} : { 'service.name': 'agents-app' }),
      },
    }));
    const messages = asStoredElsewhere[2]!.attributes['gen_ai.input.messages'] as string;
    asStoredElsewhere[2]!.attributes['gen_ai.input.messages'] = JSON.stringify(JSON.parse(messages), null, 2);
    asStoredElsewhere[3]!.attributes['gen_ai.tool.call.result'] = 'no alerts';

    expect(verifyTraceDigest(asStoredElsewhere).verdict).toBe('ok');
  });

  it.each<[string, (s: FlatSpan) => FlatSpan, object]>([
    ['an attribute value', (s) => ({ ...s, attributes: { ...s.attributes, 'gen_ai.usage.input_tokens': 12 } }), { field: 'attribute', key: 'gen_ai.usage.input_tokens', change: 'changed' }],
    ['a removed attribute', (s) => ({ ...s, attributes: { ...s.attributes, 'gen_ai.request.temperature': undefined as never } }), { field: 'attribute', key: 'gen_ai.request.temperature', change: 'removed' }],
    ['an added attribute', (s) => ({ ...s, attributes: { ...s.attributes, 'app.note': 'approved' } }), { field: 'attribute', key: 'app.note', change: 'added' }],
    ['the name', (s) => ({ ...s, name: 'chat gpt-4o' }), { field: 'name', change: 'changed' }],
    ['the parent', (s) => ({ ...s, parentSpanId: 'a000000000000001' }), { field: 'parent', change: 'changed' }],
    ['the start time', (s) => ({ ...s, startTime: s.startTime - 1 }), { field: 'start', change: 'changed' }],
    ['the end time', (s) => ({ ...s, endTime: s.endTime + 1000 }), { field: 'end', change: 'changed' }],
    ['the status', (s) => ({ ...s, status: { code: 'ERROR', message: 'rate limited' } }), { field: 'status', change: 'changed' }],
  ])('names the span and field when %s is edited', (_what, change, field) => {
    const tampered = edit(signedRun(), 'a000000000000003', (s) => JSON.parse(JSON.stringify(change(s))) as FlatSpan);
    const report = verifyTraceDigest(tampered);
    expect(report.verdict).toBe('tampered');
    expect(report.digestMatches).toBe(false);
    expect(report.changed).toEqual([{ spanId: 'a000000000000003', name: expect.any(String), fields: [field] }]);
  });

  it('names a deleted span, with the spans that hung under it', () => {
    const report = verifyTraceDigest(signedRun().filter((s) => s.spanId !== 'a000000000000002'));
    expect(report.verdict).toBe('tampered');
    expect(report.missing).toEqual([
      { spanId: 'a000000000000002', childNames: ['chat gpt-4.1-mini', 'execute_tool get_weather_alerts'] },
    ]);
  });

  it('names an inserted span, and a second copy of a covered one', () => {
    const spans = signedRun();
    const forged = span('b000000000000009', 'a000000000000002', 'execute_tool approve_refund', 71, 72, {});
    const copy = { ...spans[3]!, name: 'execute_tool get_weather' };
    const report = verifyTraceDigest([...spans, forged, copy]);
    expect(report.verdict).toBe('tampered');
    expect(report.extra).toEqual([
      { spanId: 'a000000000000004', name: 'execute_tool get_weather', parentSpanId: 'a000000000000002' },
      { spanId: 'b000000000000009', name: 'execute_tool approve_refund', parentSpanId: 'a000000000000002' },
    ].sort((a, b) => (a.spanId < b.spanId ? -1 : 1)));
  });

  it('lists spans outside the digest without failing when they are allowed', () => {
    const appSpan = span('c000000000000001', 'a000000000000004', 'SELECT alerts', 62, 63, { 'db.system': 'postgresql' });
    const report = verifyTraceDigest([...signedRun(), appSpan], { allowUncovered: true });
    expect(report.verdict).toBe('ok');
    expect(report.extra).toEqual([{ spanId: 'c000000000000001', name: 'SELECT alerts', parentSpanId: 'a000000000000004' }]);
  });

  it('catches a digest record edited to drop a span along with it', () => {
    const spans = signedRun().filter((s) => s.spanId !== 'a000000000000004');
    const root = spans[0]!;
    const ids = root.attributes[DIGEST_ATTRIBUTES.SPAN_IDS] as string[];
    const fields = root.attributes[DIGEST_ATTRIBUTES.FIELDS] as string[];
    spans[0] = {
      ...root,
      attributes: { ...root.attributes, [DIGEST_ATTRIBUTES.SPAN_IDS]: ids.slice(0, 3), [DIGEST_ATTRIBUTES.FIELDS]: fields.slice(0, 3) },
    };
    const report = verifyTraceDigest(spans);
    expect(report.verdict).toBe('tampered');
    expect(report.notes.join('\n')).toMatch(/digest record was altered/);
  });

  it('without a digest says so, and names the parent that is gone', () => {
    const report = verifyTraceDigest(signedRun().slice(1));
    expect(report.verdict).toBe('no-digest');
    expect(report.missing).toEqual([{ spanId: 'a000000000000001', childNames: ['invoke_agent Weather agent'] }]);
  });

  it('names a deleted root span when the record is also kept in MLflow trace tags', () => {
    const spans = signedRun();
    const tagAttributes = mlflowDigestTagAttributes(spans[0]!.attributes);
    const tags = Object.fromEntries(Object.entries(tagAttributes).map(([k, v]) => [k.slice('mlflow.traceTag.'.length), v]));
    const report = verifyTraceDigest(spans.slice(1), { fallbackRecord: digestRecordFromTags(tags) });
    expect(report.verdict).toBe('tampered');
    expect(report.record?.source).toBe('fallback');
    expect(report.missing).toEqual([{ spanId: 'a000000000000001', childNames: ['invoke_agent Weather agent'] }]);
  });

  it('fails when the digest differs from a copy kept elsewhere', () => {
    const digest = signedRun()[0]!.attributes[DIGEST_ATTRIBUTES.DIGEST] as string;
    expect(verifyTraceDigest(signedRun(), { keptDigests: [{ where: 'the audit log', digest: digest.toUpperCase() }] }).verdict).toBe('ok');
    const report = verifyTraceDigest(signedRun(), { keptDigests: [{ where: 'the audit log', digest: 'ab'.repeat(32) }] });
    expect(report.verdict).toBe('tampered');
    expect(report.notes).toContain(`the trace carries digest ${digest}, but the audit log keeps ${'ab'.repeat(32)}`);
  });

  describe('keyed', () => {
    const key = auditKey('correct horse battery staple', 'audit-2026');

    it('verifies with the key', () => {
      expect(verifyTraceDigest(signedRun(key), { key }).verdict).toBe('ok');
    });

    it('needs the key to say OK, but still names edits without it', () => {
      expect(verifyTraceDigest(signedRun(key))).toMatchObject({ verdict: 'key-required', notes: [expect.stringContaining('audit-2026')] });
      const renamed = edit(signedRun(key), 'a000000000000002', (s) => ({ ...s, name: 'invoke_agent Refund agent' }));
      expect(verifyTraceDigest(renamed)).toMatchObject({ verdict: 'tampered', changed: [{ spanId: 'a000000000000002' }] });
    });

    it('tells another key (a key id of its own) from tampering', () => {
      const report = verifyTraceDigest(signedRun(key), { key: auditKey('another key') });
      expect(report.verdict).toBe('wrong-key');
      expect(report.notes.join('\n')).toMatch(/made with key id audit-2026.*\n.*the key given does not make the digest: check with the key of id audit-2026/);
    });

    it('fails as tampered when the key given under the recorded id does not make the digest', () => {
      const report = verifyTraceDigest(signedRun(key), { key: auditKey('another key', 'audit-2026') });
      expect(report.verdict).toBe('tampered');
      expect(report.notes.join('\n')).toMatch(/the digest record was altered/);
    });

    it('fails when someone without the key re-signs an edited trace with a plain digest', () => {
      const edited = edit(recordedRun(), 'a000000000000003', (s) => ({ ...s, name: 'chat gpt-4o' }));
      const resigned = computeTraceDigest(edited, auditKey('forger'));
      const spans = edited.map((s, i) => (i === 0 ? { ...s, attributes: { ...s.attributes, ...resigned } } : s));
      // Signed with the forger's key id: to the verifier, not the key it holds.
      const report = verifyTraceDigest(spans, { key });
      expect(report.verdict).toBe('wrong-key');
      expect(report.notes.join('\n')).toMatch(/someone else signed this one: treat it as tampered/);
      // Under the real key id, it is plainly tampered.
      const underRealId = computeTraceDigest(edited, auditKey('forger', key.keyId));
      const forged = edited.map((s, i) => (i === 0 ? { ...s, attributes: { ...s.attributes, ...underRealId } } : s));
      expect(verifyTraceDigest(forged, { key }).verdict).toBe('tampered');
    });
  });
});

describe('digest records', () => {
  it('are read from classic Jaeger, which turns arrays into JSON text', () => {
    const attributes = signedRun()[0]!.attributes;
    const classic = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : v]));
    expect(readDigestRecord(classic)).toEqual(readDigestRecord(attributes));
  });

  it('become MLflow trace tags through mlflow.traceTag.* root attributes', () => {
    const attributes = signedRun(auditKey('k', 'kid'))[0]!.attributes;
    expect(mlflowDigestTagAttributes(attributes)).toEqual({
      'mlflow.traceTag.openai.agents.digest': attributes[DIGEST_ATTRIBUTES.DIGEST],
      'mlflow.traceTag.openai.agents.digest.algorithm': DIGEST_ALGORITHMS.HMAC_SHA256,
      'mlflow.traceTag.openai.agents.digest.key_id': 'kid',
      'mlflow.traceTag.openai.agents.digest.span_ids': 'a000000000000001,a000000000000002,a000000000000003,a000000000000004',
    });
    expect(mlflowDigestTagAttributes({ 'gen_ai.agent.name': 'x' })).toEqual({});
  });
});

describe('resolveAuditSettings', () => {
  it('is off by default and with audit: false, even with a key in the environment', () => {
    expect(resolveAuditSettings(undefined, {})).toEqual({ enabled: false });
    expect(resolveAuditSettings(false, { [AUDIT_KEY_ENV]: 'k' })).toEqual({ enabled: false });
  });

  it('turns on with the option, unkeyed without a key', () => {
    expect(resolveAuditSettings(true, {})).toEqual({ enabled: true });
  });

  it('takes the key from the environment, or from the option first', () => {
    const fromEnv = resolveAuditSettings(undefined, { [AUDIT_KEY_ENV]: 'env-key', [AUDIT_KEY_ID_ENV]: 'env-id' });
    expect(fromEnv).toEqual({ enabled: true, key: { key: Buffer.from('env-key'), keyId: 'env-id' } });
    const fromOption = resolveAuditSettings({ key: Buffer.from([1, 2, 3]) }, { [AUDIT_KEY_ENV]: 'env-key' });
    expect(fromOption).toEqual({ enabled: true, key: { key: Buffer.from([1, 2, 3]), keyId: expect.stringMatching(/^sha256:/) } });
  });
});

describe('the documented test vector (docs/audit.md)', () => {
  // An independent implementation of the canonical form must reach the same digests.
  const spans: FlatSpan[] = [
    {
      name: 'Travel concierge', kind: 'INTERNAL', traceId: '3d04ca99b2314ab4b3019ce61d0aaa1a', spanId: '9721ffa886b04ebc',
      startTime: 1795444601001, endTime: 1795444601116, status: { code: 'UNSET' }, events: [],
      attributes: { 'gen_ai.operation.name': 'invoke_workflow', 'openai.agents.trace_id': 'trace_3d04ca99b2314ab4b3019ce61d0aaa1a' },
    },
    {
      name: 'execute_tool get_weather', kind: 'INTERNAL', traceId: '3d04ca99b2314ab4b3019ce61d0aaa1a', spanId: '0454fd0ffb414356',
      parentSpanId: '9721ffa886b04ebc', startTime: 1795444601097, endTime: 1795444601101, status: { code: 'ERROR', message: 'Error running tool' }, events: [],
      attributes: { 'gen_ai.tool.call.arguments': '{"city": "Paris"}', 'gen_ai.usage.input_tokens': 120, 'openai.agents.agent.tools': ['get_weather'], 'mlflow.spanType': 'TOOL' },
    },
  ];

  it('gives the documented plain and keyed digests', () => {
    expect(computeTraceDigest(spans)[DIGEST_ATTRIBUTES.DIGEST]).toBe('84f70d92214adf35bf6eb3014f6791ccc3282e88908d2351197db76a7ea87ffd');
    expect(computeTraceDigest(spans, auditKey('correct horse battery staple', 'audit-2026'))[DIGEST_ATTRIBUTES.DIGEST]).toBe(
      '6a6796584a538cb40c5c11d3694cfd11557cef57ad0135acd46fa26e5ad2bd47',
    );
  });
});
