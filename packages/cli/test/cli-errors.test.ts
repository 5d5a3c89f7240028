/** Every bad input the command can meet gets a message that says what to do, never a stack trace. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKey, computeTraceDigest, type AttributeValue, type FlatSpan } from '@agents-tracing/processor';
import { main, type CliIo } from '../src/index.js';

const TRACE = '3d04ca99b2314ab4b3019ce61d0aaa1a';

function io(env: NodeJS.ProcessEnv = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { env, out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), progressStream: undefined };
}

function anyValue(value: AttributeValue): object {
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { stringValue: String(value) };
}

function otlpLine(spans: FlatSpan[]): string {
  const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
  return JSON.stringify({
    resourceSpans: [{
      scopeSpans: [{
        spans: spans.map((s) => ({
          traceId: s.traceId, spanId: s.spanId, name: s.name, kind: 1, startTimeUnixNano: ns(s.startTime), endTimeUnixNano: ns(s.endTime),
          attributes: Object.entries(s.attributes).map(([key, value]) => ({ key, value: anyValue(value) })),
          status: { code: 0 },
        })),
      }],
    }],
  });
}

const root: FlatSpan = { name: 'run', kind: 'INTERNAL', traceId: TRACE, spanId: 'a000000000000001', startTime: 1795444601000, endTime: 1795444601040, status: { code: 'UNSET' }, attributes: { 'openai.agents.trace_id': `trace_${TRACE}` }, events: [] };

async function expectMessage(argv: string[], exitCode: number, message: RegExp, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const out = io(env);
  await expect(main(argv, out)).resolves.toBe(exitCode);
  const said = [...out.err, ...out.out].join('\n');
  expect(said).toMatch(message);
  expect(said).not.toMatch(/\n\s+at |Error: |SyntaxError|fetch failed/);
}

let dir: string;
let tracePath: string;
let html: Server;
let htmlUrl: string;
let closedUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-errors-'));
  tracePath = join(dir, 'trace.jsonl');
  const digest = computeTraceDigest([root], auditKey('the key'));
  await writeFile(tracePath, `${otlpLine([{ ...root, attributes: { ...root.attributes, ...digest } }])}\n`);
  // A login page in front of where a backend was expected: 200 and HTML, on every path.
  html = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><html><body><form>Sign in</form></body></html>');
  });
  await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
  htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => html.close(() => resolve())));

describe('agents-tracing with bad input', () => {
  it('a wrong key has its own verdict and exit code 3', async () => {
    await expectMessage(['verify', TRACE, '--file', tracePath], 3, /^WRONG KEY .*\n.*\n  note: every span matches .* the key given does not make the digest/s, { AGENTS_TRACING_AUDIT_KEY: 'not the key' });
    await expectMessage(['verify', TRACE, '--file', tracePath], 0, /^OK /, { AGENTS_TRACING_AUDIT_KEY: 'the key' });
  });

  it('a key file that does not exist', async () => {
    await expectMessage(['verify', TRACE, '--file', tracePath, '--key-file', join(dir, 'no.key')], 2, /^agents-tracing: the key file .*no\.key does not exist \(--key-file\)$/);
  });

  it('a folder given as the key file', async () => {
    await expectMessage(['verify', TRACE, '--file', tracePath, '--key-file', dir], 2, /^agents-tracing: --key-file .* is a folder: give the file that holds the key$/);
  });

  it('an empty key file', async () => {
    const empty = join(dir, 'empty.key');
    await writeFile(empty, '\n');
    await expectMessage(['verify', TRACE, '--file', tracePath, '--key-file', empty], 2, /the key file .*empty\.key is empty/);
  });

  it('report -o into a folder that does not exist', async () => {
    const out = join(dir, 'missing', 'report.html');
    await expectMessage(['report', TRACE, '--file', tracePath, '-o', out], 2, /^agents-tracing: cannot write .*report\.html: the folder .*missing does not exist$/, { AGENTS_TRACING_AUDIT_KEY: 'the key' });
  });

  it('a trace file that does not exist', async () => {
    await expectMessage(['verify', TRACE, '--file', join(dir, 'nope.jsonl'), '--wait', '0.3'], 2, /nope\.jsonl does not exist \(the embedded exporter writes/);
  });

  it('a file that is not OTLP JSON lines', async () => {
    const notOtlp = join(dir, 'notes.txt');
    await writeFile(notOtlp, `meeting notes about ${TRACE}\n`);
    await expectMessage(['verify', TRACE, '--file', notOtlp], 2, /notes\.txt is not an OTLP JSON lines file/);
    const otherJson = join(dir, 'other.json');
    await writeFile(otherJson, `${JSON.stringify({ hello: 'world' })}\n`);
    await expectMessage(['verify', TRACE, '--file', otherJson], 2, /other\.json is not an OTLP JSON lines file/);
  });

  it('a folder given as the trace file', async () => {
    await mkdir(join(dir, 'traces.d'), { recursive: true });
    await expectMessage(['verify', TRACE, '--file', join(dir, 'traces.d'), '--wait', '0'], 2, /^agents-tracing: /);
  });

  it('Jaeger answering with an HTML page', async () => {
    await expectMessage(['verify', TRACE, '--from', 'jaeger', '--jaeger-url', htmlUrl], 2, /an HTML page answered at .* is .* Jaeger's query service \(port 16686\), and not behind a login or proxy\?/);
  });

  it('MLflow answering with an HTML page', async () => {
    await expectMessage(['verify', TRACE, '--from', 'mlflow', '--mlflow-uri', htmlUrl], 2, /an HTML page answered at .* is this URL behind a login or proxy, or not an MLflow tracking server\?/);
  });

  it('Jaeger on a closed port', async () => {
    await expectMessage(['verify', TRACE, '--from', 'jaeger', '--jaeger-url', closedUrl, '--wait', '0.3'], 2, /nothing answers at .* \(connection refused\): is Jaeger running, and is this its query port \(16686\)\?/);
  });

  it('MLflow on a closed port', async () => {
    await expectMessage(['verify', TRACE, '--from', 'mlflow', '--mlflow-uri', closedUrl, '--wait', '0.3'], 2, /could not reach MLflow at .* is `mlflow server` running\?/);
  });

  it('feedback with neither MLflow nor an OTLP endpoint configured', async () => {
    await expectMessage(
      ['feedback', TRACE, '--name', 'helpful', '--value', 'true'],
      2,
      /no backend to send the feedback to: set MLFLOW_TRACKING_URI for MLflow, OTEL_EXPORTER_OTLP_ENDPOINT for an OTLP backend/,
    );
  });

  it('an expectation with no MLflow server configured', async () => {
    await expectMessage(['feedback', TRACE, '--name', 'answer', '--value', 'Paris', '--expectation'], 2, /no MLflow server to send the assessment to: set MLFLOW_TRACKING_URI/);
  });

  it('--digest that is not a digest is a usage error', async () => {
    await expectMessage(['verify', TRACE, '--file', tracePath, '--digest', 'xyz'], 2, /^agents-tracing: --digest takes the 64 hex characters of a digest, not "xyz"$/);
  });
});
