import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_KEY_ENV, auditKey, computeTraceDigest, type AttributeValue, type FlatSpan } from '@agents-tracing/processor';
import { CliError, main, parseTraceId, readTraceFile, sourceConfig, type CliIo } from '../src/index.js';

const TRACE = '3d04ca99b2314ab4b3019ce61d0aaa1a';
const T0 = 1795444601000;

function span(spanId: string, parentSpanId: string | undefined, name: string, attributes: Record<string, AttributeValue>, status: FlatSpan['status'] = { code: 'UNSET' }): FlatSpan {
  return { name, kind: 'INTERNAL', traceId: TRACE, spanId, ...(parentSpanId ? { parentSpanId } : {}), startTime: T0, endTime: T0 + 40, status, attributes, events: [] };
}

function run(key?: string): FlatSpan[] {
  const spans = [
    span('a000000000000001', undefined, 'Travel concierge', { 'openai.agents.trace_id': `trace_${TRACE}` }),
    span('a000000000000002', 'a000000000000001', 'invoke_agent Weather agent', { 'openai.agents.agent.tools': ['get_weather'] }),
    span('a000000000000003', 'a000000000000002', 'execute_tool get_weather', { 'gen_ai.usage.input_tokens': 12, 'gen_ai.tool.call.result': 'Sunny' }, { code: 'ERROR', message: 'boom' }),
  ];
  const digest = computeTraceDigest(spans, key ? auditKey(key) : undefined);
  return spans.map((s) => (s.parentSpanId ? s : { ...s, attributes: { ...s.attributes, ...digest } }));
}

/** OTLP JSON as the embedded exporter writes it: one export request a line. */
function anyValue(value: AttributeValue): object {
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return { stringValue: value };
}
function otlpLine(spans: FlatSpan[]): string {
  const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agents-app' } }] },
      scopeSpans: [{
        spans: spans.map((s) => ({
          traceId: s.traceId, spanId: s.spanId, ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}), name: s.name, kind: 1,
          startTimeUnixNano: ns(s.startTime), endTimeUnixNano: ns(s.endTime),
          attributes: Object.entries(s.attributes).map(([key, value]) => ({ key, value: anyValue(value) })),
          status: { code: { UNSET: 0, OK: 1, ERROR: 2 }[s.status.code], ...(s.status.message ? { message: s.status.message } : {}) },
        })),
      }],
    }],
  });
}

function io(env: NodeJS.ProcessEnv = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { env, out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), progressStream: undefined };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-'));
});

async function traceFile(name: string, ...traces: FlatSpan[][]): Promise<string> {
  const path = join(dir, name);
  const other = run().map((s) => ({ ...s, traceId: 'ffffffffffffffffffffffffffffffff' }));
  await writeFile(path, [other, ...traces].map(otlpLine).join('\n') + '\n');
  return path;
}

describe('trace ids', () => {
  it('accepts the SDK form, the MLflow form and the bare hex', () => {
    expect(parseTraceId(`trace_${TRACE}`)).toBe(TRACE);
    expect(parseTraceId(`tr-${TRACE.toUpperCase()}`)).toBe(TRACE);
    expect(parseTraceId(` ${TRACE} `)).toBe(TRACE);
  });

  it('rejects anything else, saying what it expects', () => {
    expect(() => parseTraceId('span_3d04ca99b2314ab4b3019ce6')).toThrow(/expected trace_<32 hex>/);
    expect(() => parseTraceId('trace_3d04')).toThrow(CliError);
  });
});

describe('sources', () => {
  it('read MLflow when configured, else Jaeger, else the trace file; flags win', () => {
    expect(sourceConfig({}, { MLFLOW_TRACKING_URI: 'http://m', JAEGER_QUERY_URL: 'http://j' })).toEqual({ from: 'mlflow', trackingUri: 'http://m' });
    expect(sourceConfig({}, { JAEGER_QUERY_URL: 'http://j' })).toEqual({ from: 'jaeger', queryUrl: 'http://j' });
    expect(sourceConfig({}, {})).toEqual({ from: 'file', path: 'traces/agent-traces.otlp.jsonl' });
    expect(sourceConfig({ from: 'jaeger', jaegerUrl: 'http://flag' }, { JAEGER_QUERY_URL: 'http://j' })).toEqual({ from: 'jaeger', queryUrl: 'http://flag' });
  });

  it('say what is missing', () => {
    expect(() => sourceConfig({ from: 'jaeger' }, {})).toThrow(/--jaeger-url or JAEGER_QUERY_URL/);
    expect(() => sourceConfig({ from: 'mlflow' }, {})).toThrow(/--mlflow-uri or MLFLOW_TRACKING_URI/);
    expect(() => sourceConfig({ from: 'zipkin' }, {})).toThrow(/one of mlflow, jaeger, file/);
  });

  it('reads one trace out of an OTLP JSON lines file, types, times and status intact', async () => {
    const path = await traceFile('read.jsonl', run());
    const progress: number[] = [];
    const spans = await readTraceFile(path, TRACE, ({ bytesRead, totalBytes }) => progress.push(bytesRead / totalBytes));
    expect(spans).toEqual(run());
    expect(progress.at(-1)).toBe(1);
    await expect(readTraceFile(join(dir, 'absent.jsonl'), TRACE)).rejects.toThrow(/absent\.jsonl does not exist/);
  });
});

describe('agents-tracing verify', () => {
  it('says OK with exit 0 for an untouched trace', async () => {
    const path = await traceFile('ok.jsonl', run());
    const out = io();
    await expect(main(['verify', `trace_${TRACE}`, '--from', 'file', '--file', path], out)).resolves.toBe(0);
    expect(out.out.join('\n')).toMatch(new RegExp(`^OK  trace ${TRACE} from .*ok\\.jsonl: all 3 spans match digest [0-9a-f]{16}… \\(merkle-sha256-v1\\)$`));
  });

  it('names the changed span and field with exit 1', async () => {
    const edited = run().map((s) => (s.name === 'execute_tool get_weather' ? { ...s, attributes: { ...s.attributes, 'gen_ai.tool.call.result': 'Rain' } } : s));
    const out = io();
    await expect(main(['verify', TRACE, '--file', await traceFile('edited.jsonl', edited)], out)).resolves.toBe(1);
    expect(out.out.join('\n')).toContain('TAMPERED');
    expect(out.out.join('\n')).toContain('  changed  execute_tool get_weather (a000000000000003)\n             attribute gen_ai.tool.call.result changed');
  });

  it('prints the report as JSON', async () => {
    const out = io();
    await expect(main(['verify', TRACE, '--file', await traceFile('json.jsonl', run()), '--json'], out)).resolves.toBe(0);
    expect(JSON.parse(out.out.join('\n'))).toMatchObject({ verdict: 'ok', digestMatches: true, coveredCount: 3 });
  });

  it('needs the key of a keyed digest (exit 2), from the environment or a key file', async () => {
    const path = await traceFile('keyed.jsonl', run('s3cret key'));
    const without = io();
    await expect(main(['verify', TRACE, '--file', path], without)).resolves.toBe(2);
    expect(without.out.join('\n')).toMatch(/^KEY NEEDED/);
    await expect(main(['verify', TRACE, '--file', path], io({ [AUDIT_KEY_ENV]: 's3cret key' }))).resolves.toBe(0);
    const keyFile = join(dir, 'audit.key');
    await writeFile(keyFile, 's3cret key\n');
    await expect(main(['verify', TRACE, '--file', path, '--key-file', keyFile], io())).resolves.toBe(0);
    const wrong = io({ [AUDIT_KEY_ENV]: 'guess' });
    await expect(main(['verify', TRACE, '--file', path], wrong)).resolves.toBe(3);
    expect(wrong.out.join('\n')).toMatch(/^WRONG KEY/);
    expect(wrong.out.join('\n')).toContain('the key given does not make the digest');
    expect(wrong.out.join('\n')).not.toContain('guess');
  });

  it('fails when the digest differs from a copy kept elsewhere', async () => {
    const out = io();
    await expect(main(['verify', TRACE, '--file', await traceFile('kept.jsonl', run()), '--digest', '00'.repeat(32)], out)).resolves.toBe(1);
    expect(out.out.join('\n')).toContain(`but --digest keeps ${'00'.repeat(32)}`);
  });

  it('exits 2 with a clear message when the trace is not there after waiting', async () => {
    const out = io();
    const began = Date.now();
    await expect(main(['verify', 'ab'.repeat(16), '--file', await traceFile('other.jsonl'), '--wait', '0.5'], out)).resolves.toBe(2);
    expect(Date.now() - began).toBeGreaterThanOrEqual(500);
    expect(out.err).toEqual([`agents-tracing: trace ${'ab'.repeat(16)} is not in ${join(dir, 'other.jsonl')} (waited 0.5 s)`]);
  });

  it('finds a trace that arrives while it waits', async () => {
    const path = join(dir, 'late.jsonl');
    setTimeout(() => void writeFile(path, `${otlpLine(run())}\n`), 300);
    await expect(main(['verify', TRACE, '--file', path, '--wait', '10'], io())).resolves.toBe(0);
  });

  it('explains a wrong invocation with exit 2', async () => {
    const out = io();
    await expect(main(['verify'], out)).resolves.toBe(2);
    expect(out.err[0]).toMatch(/verify needs a trace id/);
    await expect(main(['frobnicate', TRACE], io())).resolves.toBe(2);
    await expect(main(['verify', TRACE, '--bogus'], io())).resolves.toBe(2);
    const help = io();
    await expect(main(['--help'], help)).resolves.toBe(0);
    expect(help.out[0]).toContain('usage: agents-tracing <command> <trace-id>');
  });
});

describe('agents-tracing tree and report', () => {
  it('prints the tree with durations, tokens and errors', async () => {
    const out = io();
    await expect(main(['tree', TRACE, '--file', await traceFile('tree.jsonl', run())], out)).resolves.toBe(0);
    expect(out.out[0]).toBe(
      [
        `trace ${TRACE}  3 spans  40ms  tokens 0→0  1 with errors`,
        'Travel concierge  40ms',
        '└─ invoke_agent Weather agent  40ms',
        '   └─ execute_tool get_weather  40ms  tokens 12→0  ✗ ERROR: boom',
      ].join('\n'),
    );
  });

  it('prints the tree as JSON', async () => {
    const out = io();
    await main(['tree', TRACE, '--file', await traceFile('tree-json.jsonl', run()), '--json'], out);
    expect(JSON.parse(out.out[0]!)).toMatchObject([{ name: 'Travel concierge', children: [{ children: [{ name: 'execute_tool get_weather' }] }] }]);
  });

  it('writes one HTML file that loads nothing and cannot be broken out of by span content', async () => {
    const hostile = run().map((s) =>
      s.name === 'execute_tool get_weather'
        ? { ...s, name: '<img src=x onerror=alert(1)>', attributes: { ...s.attributes, 'gen_ai.tool.call.result': '</script><script>alert(1)</script>' } }
        : s,
    );
    const out = join(dir, 'report.html');
    await expect(main(['report', TRACE, '--file', await traceFile('report.jsonl', hostile), '-o', out], io())).resolves.toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});
