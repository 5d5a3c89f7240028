import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { decodeSpan, encodeSpan, Spool, type SharedObjects } from '../src/index.js';
import { names, pipeline, ScriptedExporter } from './delivery-support.js';

/** Spans with every field a span can carry: events, links, trace state, status, odd numbers. */
function richSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'codec', 'deployment.environment': 'test' }, { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('codec-test', '1.2.3', { schemaUrl: 'https://example.com/scope' });
  const remoteParent = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=value,other=1'),
  });
  const root = tracer.startSpan('root', { kind: SpanKind.SERVER, attributes: { 'http.status': 200 } }, remoteParent);
  const child = tracer.startSpan(
    'child ✓ ünïcode',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        text: 'line\nbreak "quoted" \u0000 nul',
        int: 42,
        float: 0.1,
        negativeZero: -0,
        notANumber: Number.NaN,
        infinite: Number.POSITIVE_INFINITY,
        flag: false,
        list: ['a', 'b'],
        numbers: [1, 2.5, Number.NEGATIVE_INFINITY],
        sparse: ['x', null, 'y'] as unknown as string[],
      },
      links: [{ context: root.spanContext(), attributes: { reason: 'follows' } }],
    },
    trace.setSpan(context.active(), root),
  );
  child.addEvent('exception', { 'exception.message': 'boom' }, [1_700_000_000, 123_456_789]);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'it failed' });
  child.end([1_700_000_001, 987_654_321]);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end();
  return memory.getFinishedSpans();
}

const roundTrip = (spans: ReadableSpan[], shared: SharedObjects = new Map()): ReadableSpan[] =>
  spans.map((span) => decodeSpan(JSON.parse(JSON.stringify(encodeSpan(span))), shared));

describe('span records', () => {
  it('rebuild spans that export to exactly the same OTLP bytes, protobuf and JSON', () => {
    const spans = richSpans();
    const rebuilt = roundTrip(spans);
    expect(Buffer.from(ProtobufTraceSerializer.serializeRequest(rebuilt)!)).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));
    expect(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(rebuilt))).toBe(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));
  });

  it('share one resource and one scope object between the spans that shared them, as exporters group by identity', () => {
    const [a, b] = roundTrip(richSpans());
    expect(a!.resource).toBe(b!.resource);
    expect(a!.instrumentationScope).toBe(b!.instrumentationScope);
  });

  it('refuse records of another shape with an error, never a half-built span', () => {
    const shared: SharedObjects = new Map();
    const record = JSON.parse(JSON.stringify(encodeSpan(richSpans()[0]!))) as Record<string, unknown>;
    expect(() => decodeSpan({ ...record, v: 99 }, shared)).toThrow('not a span record of a known version');
    expect(() => decodeSpan({ ...record, startTime: 'yesterday' }, shared)).toThrow('bad startTime');
    expect(() => decodeSpan({ ...record, context: null }, shared)).toThrow('bad span context');
    expect(() => decodeSpan('R 1 {', shared)).toThrow();
  });
});

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'agents-tracing-spool-'));

/** A pid that is certainly not running: a child process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const spoolFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.spool'));

describe('spool', () => {
  it('settles acknowledged spans and leaves no file once everything is delivered', async () => {
    const dir = tempDir();
    const exporter = new ScriptedExporter();
    const { processor, endSpans } = pipeline(exporter, { spool: new Spool(dir) });
    endSpans(3);
    expect(spoolFiles(dir)).toHaveLength(1);
    await processor.forceFlush();
    expect(exporter.delivered).toEqual(names('s', 3));
    expect(processor.stats()).toMatchObject({ exported: 3, spooled: 3, recovered: 0 });
    await processor.shutdown();
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('keeps undelivered spans on disk at shutdown, and the next process sends them', async () => {
    const dir = tempDir();
    const down = new ScriptedExporter();
    down.answer = 'fail';
    const first = pipeline(down, { spool: new Spool(dir), flushTimeoutMillis: 100 });
    first.endSpans(4);
    await first.processor.shutdown();
    expect(first.processor.stats()).toMatchObject({ exported: 0, spooled: 4, dropped: 0 });
    expect(first.logged.at(-1)?.message).toMatch(/^test: 4 spans were not delivered before shutdown; they stay in the spool at /);

    // A later process (here: another pipeline that does not own the segment) takes them over.
    const up = new ScriptedExporter();
    const next = pipeline(up, { spool: new Spool(dir) });
    await next.processor.forceFlush();
    expect(up.delivered).toEqual(names('s', 4));
    expect(next.processor.stats()).toMatchObject({ exported: 4, recovered: 4, unreadable: 0 });
    expect(spoolFiles(dir)).toEqual([]);
    await next.processor.shutdown();
  });

  it('skips torn and corrupt records with a warning, sends the rest, and skips acknowledged ones', async () => {
    const dir = tempDir();
    const [good1, good2, acked] = richSpans().concat(richSpans()).map((s) => JSON.stringify(encodeSpan(s)));
    writeFileSync(
      join(dir, `${deadPid()}-crashed.spool`),
      [
        `R 1 ${good1}`,
        `R 2 {"v":1,"name":`,
        'garbage line',
        `R 3 ${acked}`,
        `R 4 ${good2}`,
        'A 3',
        `R 5 ${good1!.slice(0, 40)}`, // torn: the process died mid-write
      ].join('\n'),
    );
    const exporter = new ScriptedExporter();
    const { processor, logged } = pipeline(exporter, { spool: new Spool(dir) });
    await processor.forceFlush();
    expect(exporter.delivered).toEqual(['child ✓ ünïcode', 'root']);
    expect(processor.stats()).toMatchObject({ recovered: 2, exported: 2, unreadable: 3 });
    expect(logged[0]?.message).toMatch(/^test: 3 unreadable records in the spool at .* were skipped \(torn by a crash or corrupt\)\.$/);
    expect(spoolFiles(dir)).toEqual([]);
    await processor.shutdown();
  });

  it('leaves the segments of a running process alone', async () => {
    const dir = tempDir();
    const runningPid = process.ppid;
    const record = JSON.stringify(encodeSpan(richSpans()[0]!));
    writeFileSync(join(dir, `${runningPid}-busy.spool`), `R 1 ${record}\n`);
    const exporter = new ScriptedExporter();
    const { processor } = pipeline(exporter, { spool: new Spool(dir) });
    await processor.forceFlush();
    expect(exporter.delivered).toEqual([]);
    expect(spoolFiles(dir)).toEqual([`${runningPid}-busy.spool`]);
    await processor.shutdown();
  });

  it('claims an orphaned segment in one process only', async () => {
    const dir = tempDir();
    const record = JSON.stringify(encodeSpan(richSpans()[0]!));
    writeFileSync(join(dir, `${deadPid()}-orphan.spool`), `R 1 ${record}\n`);
    const [a, b] = [new Spool(dir), new Spool(dir)];
    const [fromA, fromB] = await Promise.all([a.recover(), b.recover()]);
    expect(fromA.spans.length + fromB.spans.length).toBe(1);
    a.close();
    b.close();
  });

  it('starts a new segment past the size limit and removes old ones as they are settled', async () => {
    const dir = tempDir();
    const spool = new Spool(dir, { segmentBytes: 2_000 });
    const spans = Array.from({ length: 6 }, () => richSpans()[1]!);
    const refs = spans.map((span) => spool.append(span));
    const segments = spoolFiles(dir).length;
    expect(segments).toBeGreaterThan(1);
    spool.settle(refs.slice(0, 3));
    expect(spoolFiles(dir).length).toBeLessThan(segments);
    spool.settle(refs.slice(3));
    spool.close();
    expect(spoolFiles(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes one line per span, readable by this user only', () => {
    const dir = tempDir();
    const spool = new Spool(dir);
    spool.append(richSpans()[0]!);
    const [file] = spoolFiles(dir);
    const text = readFileSync(join(dir, file!), 'utf8');
    expect(text).toMatch(/^R 1 \{.*\}\n$/);
    expect(readdirSync(dir, { withFileTypes: true })[0]!.isFile()).toBe(true);
    spool.close();
  });
});
