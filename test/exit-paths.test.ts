/**
 * Every way a process ends delivers its traces, or says what it could not deliver, within a
 * bounded time, and never hangs when the backend is down. Each case is a small agent app run as
 * a child process (test/support/delivery-agent-script.ts) that never calls shutdown() itself.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMlflowExperiment, readJaegerTrace, readMlflowTrace, type ReadTrace } from '@agents-tracing/testing';
import type { DemoCase } from '@agents-tracing/example-multi-agent';
import { expectedDemoTree } from './support/demo-expectations.js';
import { countExpectedSpans, expectExactlyOnce } from './support/delivery-assertions.js';
import type { ScriptConfig } from './support/delivery-agent-script.js';
import { startScript, type ScriptChild } from './support/delivery-child.js';

const jaeger = inject('jaeger');
const mlflow = inject('mlflow');
const SCRIPT = './delivery-agent-script.ts';
/** Nothing listens here: a backend that is down. */
const DOWN = 'http://127.0.0.1:9/v1/traces';
const RUN_LINE = /^run (\w+) trace_([0-9a-f]{32})$/m;
const HANGING_LINE = /^hanging trace_([0-9a-f]{32})$/m;
/** What the hanging run leaves when its process ends: closed as incomplete, all six present. */
const HANGING_SPANS = ['Hanging workflow', 'invoke_workflow Hanging workflow', 'invoke_agent Hanging agent', 'turn', 'chat m', 'execute_tool wait_forever'];

/** The children are heavy for two cores: at most three run at once, so timings stay meaningful. */
const MAX_CHILDREN = 3;
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(body: () => Promise<T>): Promise<T> {
  if (running >= MAX_CHILDREN) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await body();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

let experimentId: string;

beforeAll(async () => {
  experimentId = await createMlflowExperiment(mlflow.trackingUri, `exit-paths-${randomUUID()}`);
  // A fresh MLflow server takes seconds over its first agent trace: take that hit here, not in a
  // case whose exit is timed.
  const warmUp = start({ ...toMlflow(), end: 'shutdown', delivery: { flushTimeoutMillis: 60_000 } });
  const [, stats] = (await warmUp.waitFor(/^stats (.*)$/m, 90_000))!;
  expect(JSON.parse(stats!)).toMatchObject({ dropped: 0, pending: 0 });
}, 120_000);

function start(overrides: Partial<ScriptConfig>): ScriptChild {
  const config: ScriptConfig = {
    otlpEndpoint: `${jaeger.otlpHttpUrl}/v1/traces`,
    serviceName: 'exit-paths',
    runs: 1,
    end: 'natural',
    ...overrides,
  };
  return startScript(SCRIPT, [], { env: { DELIVERY_SCRIPT_CONFIG: JSON.stringify(config) } });
}

/** Milliseconds from the first line matching `pattern` to the exit. */
async function exitAfter(child: ScriptChild, pattern: RegExp, label: string): Promise<{ code: number | null; signal: string | null; millis: number }> {
  await child.waitFor(pattern, 60_000);
  const seen = Date.now();
  const { code, signal, at } = await child.exited;
  console.log(`${label}: exit ${at - seen} ms after the last line`);
  return { code, signal, millis: at - seen };
}

const toMlflow = (): Partial<ScriptConfig> => ({ mlflow: { trackingUri: mlflow.trackingUri, experimentId } });

/** A failed read names what the child said, so a failure explains itself. */
async function withChildOutput<T>(child: ScriptChild, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- child output ---\n${child.output()}`);
  }
}

async function expectDemoRunDelivered(child: ScriptChild, alsoMlflow = false): Promise<void> {
  const [, demoCase, hex] = (await child.waitFor(RUN_LINE, 1))!;
  const spans = countExpectedSpans(expectedDemoTree(demoCase as DemoCase, `trace_${hex}`));
  expectExactlyOnce(await withChildOutput(child, () => readJaegerTrace(jaeger.queryUrl, hex!, { expectSpans: spans })), spans);
  if (alsoMlflow) {
    expectExactlyOnce(await withChildOutput(child, () => readMlflowTrace(mlflow.trackingUri, hex!, { expectSpans: spans })), spans);
  }
}

async function expectHangingRunDelivered(child: ScriptChild, alsoMlflow = false): Promise<void> {
  const [, hex] = (await child.waitFor(HANGING_LINE, 1))!;
  const expectSpans = HANGING_SPANS.length;
  const traces: ReadTrace[] = [await withChildOutput(child, () => readJaegerTrace(jaeger.queryUrl, hex!, { expectSpans }))];
  if (alsoMlflow) traces.push(await withChildOutput(child, () => readMlflowTrace(mlflow.trackingUri, hex!, { expectSpans })));
  for (const trace of traces) {
    expectExactlyOnce(trace, HANGING_SPANS.length);
    const root = trace.roots[0]!;
    expect(root.name).toBe('Hanging workflow');
    // Spans still open at exit are closed and marked, never lost.
    expect(root.attributes['openai.agents.incomplete']).toBe(true);
  }
}

/**
 * Bounds, measured from the child's last line to its exit: tracing gives itself 4 s at exit, the
 * Agents SDK 5 s; the rest is a loaded machine's slack.
 */
const BOUND_MS = 8_000;

describe.concurrent('with the backends up, a process that never calls shutdown() delivers its trace when it', () => {
  it('ends normally (beforeExit), to Jaeger and MLflow', () =>
    slot(async () => {
      const child = start({ end: 'natural', ...toMlflow() });
      const exit = await exitAfter(child, RUN_LINE, 'backends up, ends normally (beforeExit)');
      expect(exit.code).toBe(0);
      expect(exit.millis).toBeLessThan(BOUND_MS);
      await expectDemoRunDelivered(child, true);
    }));

  it('gets SIGINT in the middle of a run', () =>
    slot(async () => {
      const child = start({ hang: true, end: 'wait' });
      await child.waitFor(/^waiting$/m, 60_000);
      child.kill('SIGINT');
      const exit = await exitAfter(child, /^waiting$/m, 'backends up, gets SIGINT in the middle of a run');
      expect(exit.code).toBe(130);
      expect(exit.millis).toBeLessThan(BOUND_MS);
      await expectDemoRunDelivered(child);
      await expectHangingRunDelivered(child);
    }));

  it('gets SIGTERM in the middle of a run', () =>
    slot(async () => {
      const child = start({ hang: true, end: 'wait' });
      await child.waitFor(/^waiting$/m, 60_000);
      child.kill('SIGTERM');
      const exit = await exitAfter(child, /^waiting$/m, 'backends up, gets SIGTERM in the middle of a run');
      expect(exit.code).toBe(0);
      expect(exit.millis).toBeLessThan(BOUND_MS);
      await expectHangingRunDelivered(child);
    }));

  it('throws an uncaught error in the middle of a run, to Jaeger and MLflow', () =>
    slot(async () => {
      // MLflow on a busy machine can take seconds per request: this app gives tracing 15 s at exit.
      const child = start({ hang: true, end: 'throw', ...toMlflow(), delivery: { flushTimeoutMillis: 15_000 } });
      const exit = await exitAfter(child, HANGING_LINE, 'backends up, throws an uncaught error in the middle of a run');
      expect(exit.code).toBe(1);
      expect(exit.millis).toBeLessThan(15_000 + BOUND_MS);
      // The error is still printed, as Node would have.
      expect(child.output()).toContain('Error: something broke outside the agent run');
      await expectDemoRunDelivered(child, true);
      await expectHangingRunDelivered(child, true);
    }));

  it('leaves a promise rejection unhandled in the middle of a run', () =>
    slot(async () => {
      const child = start({ hang: true, end: 'reject' });
      const exit = await exitAfter(child, HANGING_LINE, 'backends up, leaves a promise rejection unhandled in the middle of a run');
      expect(exit.code).toBe(1);
      expect(exit.millis).toBeLessThan(BOUND_MS);
      await expectHangingRunDelivered(child);
    }));

  it('calls process.exit() in the middle of a run: what it could not send waits in the spool for the next process', () =>
    slot(async () => {
      const spoolDir = mkdtempSync(join(tmpdir(), 'agents-tracing-exit-'));
      const exiting = start({ hang: true, end: 'exit', spoolDir });
      const exit = await exitAfter(exiting, HANGING_LINE, 'backends up, calls process.exit() in the middle of a run');
      expect(exit.code).toBe(0);
      expect(exiting.output()).toMatch(/otlp: \d+ spans were not delivered before shutdown; they stay in the spool/);
      const next = start({ runs: 0, end: 'shutdown', spoolDir });
      expect((await next.exited).code).toBe(0);
      expect(next.output()).toMatch(/otlp: \d+ spans left in the spool by an earlier process are being sent/);
      await expectHangingRunDelivered(exiting);
    }));
});

describe.concurrent('with the backend down, a process never hangs at exit and says what was lost, when it', () => {
  const down = { otlpEndpoint: DOWN };
  const lost = /otlp: \d+ spans (could not be delivered before shutdown and are lost|were being sent when shutdown ended and are not confirmed)/;

  it('gets SIGTERM', () =>
    slot(async () => {
      const child = start({ ...down, hang: true, end: 'wait' });
      await child.waitFor(/^waiting$/m, 60_000);
      child.kill('SIGTERM');
      const exit = await exitAfter(child, /^waiting$/m, 'backend down, gets SIGTERM');
      expect(exit.code).toBe(0);
      expect(exit.millis).toBeLessThan(BOUND_MS);
      expect(child.output()).toMatch(lost);
    }));

  it('throws an uncaught error', () =>
    slot(async () => {
      const child = start({ ...down, hang: true, end: 'throw' });
      const exit = await exitAfter(child, HANGING_LINE, 'backend down, throws an uncaught error');
      expect(exit.code).toBe(1);
      expect(exit.millis).toBeLessThan(BOUND_MS);
      expect(child.output()).toMatch(lost);
    }));

  it('ends normally', () =>
    slot(async () => {
      const child = start({ ...down, end: 'natural' });
      const exit = await exitAfter(child, RUN_LINE, 'backend down, ends normally');
      expect(exit.code).toBe(0);
      // Tracing gives up after its 4 s; nothing is left out to hold the process.
      expect(exit.millis).toBeLessThan(BOUND_MS);
      expect(child.output()).toMatch(lost);
    }));
});

/**
 * A backend that accepts connections and never answers: the worst case for exit times, since a
 * request still out would hold the process until it times out.
 */
describe.concurrent('with a backend that never answers, every exit path ends within the flush budget, when the process', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let never: Partial<ScriptConfig>;
  // Tracing's 4 s budget, plus a loaded machine's slack: never the exporter's own 10 s timeout.
  const BUDGET_MS = 4_000;
  const SLACK_MS = 3_500;
  const notConfirmed = /otlp: .*not confirmed/;

  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    never = { otlpEndpoint: `http://127.0.0.1:${address.port}/v1/traces` };
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('ends normally (beforeExit)', () =>
    slot(async () => {
      const child = start({ ...never, end: 'natural' });
      const exit = await exitAfter(child, RUN_LINE, 'backend never answers, ends normally (beforeExit)');
      expect(exit.code).toBe(0);
      expect(exit.millis).toBeLessThan(BUDGET_MS + SLACK_MS);
      expect(child.output()).toMatch(notConfirmed);
      // Nothing is said after the final report.
      const output = child.output();
      expect(output.lastIndexOf('retrying')).toBeLessThan(output.search(notConfirmed));
    }));

  it('calls shutdown(): the process ends as soon as it resolves', () =>
    slot(async () => {
      const child = start({ ...never, end: 'shutdown' });
      await child.waitFor(RUN_LINE, 60_000);
      const ran = Date.now();
      const exit = await exitAfter(child, /^shut down$/m, 'backend never answers, after shutdown() resolved');
      expect(exit.code).toBe(0);
      expect(exit.millis).toBeLessThan(1_000);
      expect(Date.now() - ran).toBeLessThan(BUDGET_MS + SLACK_MS);
      const [, stats] = (await child.waitFor(/^stats (.*)$/m, 1))!;
      const counts = JSON.parse(stats!) as { dropped: number; pending: number; unconfirmed: number };
      expect(counts.pending).toBe(0);
      expect(counts.unconfirmed).toBeGreaterThan(0);
    }));

  it('calls shutdown() with OTLP over gRPC: the process ends as soon as it resolves', () =>
    slot(async () => {
      const child = start({ otlpEndpoint: never.otlpEndpoint!.replace('/v1/traces', ''), otlpProtocol: 'grpc', end: 'shutdown' });
      await child.waitFor(RUN_LINE, 60_000);
      const ran = Date.now();
      const exit = await exitAfter(child, /^shut down$/m, 'gRPC backend never answers, after shutdown() resolved');
      expect(exit.code).toBe(0);
      expect(exit.millis).toBeLessThan(1_000);
      expect(Date.now() - ran).toBeLessThan(BUDGET_MS + SLACK_MS);
      const [, stats] = (await child.waitFor(/^stats (.*)$/m, 1))!;
      expect(JSON.parse(stats!)).toMatchObject({ pending: 0 });
    }));

  it('calls forceFlush() and then shutdown(): both share one budget', () =>
    slot(async () => {
      const child = start({ ...never, end: 'flush-shutdown' });
      const exit = await exitAfter(child, RUN_LINE, 'backend never answers, forceFlush() then shutdown()');
      expect(exit.code).toBe(0);
      expect(exit.millis).toBeLessThan(BUDGET_MS + SLACK_MS);
    }));

  it('gets SIGTERM in the middle of a run', () =>
    slot(async () => {
      const child = start({ ...never, hang: true, end: 'wait' });
      await child.waitFor(/^waiting$/m, 60_000);
      child.kill('SIGTERM');
      const exit = await exitAfter(child, /^waiting$/m, 'backend never answers, gets SIGTERM');
      expect(exit.code).toBe(0);
      expect(exit.millis).toBeLessThan(BUDGET_MS + SLACK_MS);
    }));

  it('throws an uncaught error', () =>
    slot(async () => {
      const child = start({ ...never, hang: true, end: 'throw' });
      const exit = await exitAfter(child, HANGING_LINE, 'backend never answers, throws an uncaught error');
      expect(exit.code).toBe(1);
      expect(exit.millis).toBeLessThan(BUDGET_MS + SLACK_MS);
    }));
});
