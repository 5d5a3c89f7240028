import { ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { classifyExportError, withRetries, type RetryEvent } from '../src/index.js';
import { GRPC_REFUSED, grpcError } from './support/errors.js';
import { exportAsync } from './support/export.js';
import { FakeClock, ScriptedExporter, sleepUntilAborted } from './support/fake-exporter.js';
import { makeSpans } from './support/spans.js';

const isRetryable = (error: unknown) => classifyExportError(error).retryable;
const UNAVAILABLE = grpcError(14, 'Connection dropped');
const DEADLINE = grpcError(4, 'Deadline exceeded');
const EXHAUSTED = grpcError(8, 'queue full');

function setup(failures: unknown[], options: { random?: () => number; maxElapsedMillis?: number } = {}) {
  const inner = new ScriptedExporter(failures);
  const clock = new FakeClock();
  const retries: RetryEvent[] = [];
  const exporter = withRetries(inner, {
    isRetryable,
    random: options.random ?? (() => 1),
    now: clock.now,
    sleep: clock.sleep,
    onRetry: (event) => retries.push(event),
    ...(options.maxElapsedMillis === undefined ? {} : { maxElapsedMillis: options.maxElapsedMillis }),
  });
  return { inner, clock, retries, exporter };
}

describe('withRetries', () => {
  it('sends a batch again after UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED, and succeeds once', async () => {
    const spans = makeSpans(3);
    const { inner, retries, exporter } = setup([UNAVAILABLE, DEADLINE, EXHAUSTED]);
    const result = await exportAsync(exporter, spans);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(inner.batches).toHaveLength(4);
    expect(inner.batches.every((batch) => batch === spans)).toBe(true);
    expect(retries.map((event) => [event.retry, event.error, event.spanCount])).toEqual([
      [1, UNAVAILABLE, 3],
      [2, DEADLINE, 3],
      [3, EXHAUSTED, 3],
    ]);
  });

  it('retries a refused connection', async () => {
    const { inner, exporter } = setup([GRPC_REFUSED, GRPC_REFUSED]);
    expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
    expect(inner.batches).toHaveLength(3);
  });

  it('never retries UNAUTHENTICATED, PERMISSION_DENIED or INVALID_ARGUMENT', async () => {
    for (const code of [16, 7, 3]) {
      const error = grpcError(code, 'no');
      const { inner, exporter } = setup([error]);
      const result = await exportAsync(exporter, makeSpans(1));
      expect(result).toEqual({ code: ExportResultCode.FAILED, error });
      expect(inner.batches).toHaveLength(1);
    }
  });

  it('waits with exponential backoff capped at the maximum delay', async () => {
    const { clock, exporter } = setup(Array(8).fill(UNAVAILABLE));
    await exportAsync(exporter, makeSpans(1));
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it('draws each wait uniformly below the cap (full jitter)', async () => {
    const draws = [0.5, 0, 0.25];
    const { clock, exporter } = setup([UNAVAILABLE, UNAVAILABLE, UNAVAILABLE], { random: () => draws.shift()! });
    await exportAsync(exporter, makeSpans(1));
    expect(clock.sleeps).toEqual([250, 0, 500]);
  });

  it('stops when the retry budget is spent, with a last attempt at the deadline, and reports the last error', async () => {
    const { inner, clock, exporter } = setup(Array(100).fill(UNAVAILABLE), { maxElapsedMillis: 10_000 });
    const started = clock.time;
    const result = await exportAsync(exporter, makeSpans(1));
    expect(result).toEqual({ code: ExportResultCode.FAILED, error: UNAVAILABLE });
    // 500 + 1000 + 2000 + 4000 = 7500, then the 5000 wait is cut to the 2500 left.
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 2500]);
    expect(clock.time - started).toBe(10_000);
    expect(inner.batches).toHaveLength(6);
  });

  it('with the default policy, a batch reaches a collector that is back after 20 s within 5 s of its return', async () => {
    const clock = new FakeClock();
    const collectorBackAt = clock.time + 20_000;
    const collector: SpanExporter = {
      export: (_spans, resultCallback) =>
        resultCallback(clock.time < collectorBackAt ? { code: ExportResultCode.FAILED, error: GRPC_REFUSED } : { code: ExportResultCode.SUCCESS }),
      shutdown: async () => {},
    };
    // Worst-case jitter: every wait at its cap.
    const exporter = withRetries(collector, { isRetryable, now: clock.now, sleep: clock.sleep, random: () => 1 });
    expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
    expect(clock.time - collectorBackAt).toBeLessThanOrEqual(5_000);
  });

  it('exports concurrent batches independently', async () => {
    const { inner, exporter } = setup([UNAVAILABLE]);
    const [first, second] = await Promise.all([exportAsync(exporter, makeSpans(1, 'a')), exportAsync(exporter, makeSpans(1, 'b'))]);
    expect([first.code, second.code]).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    expect(inner.batches.map((batch) => batch[0]!.name)).toEqual(['a-0', 'b-0', 'a-0']);
  });

  it('turns an exporter that throws into a failed result', async () => {
    const boom = new Error('boom');
    const exporter = withRetries({ export: () => { throw boom; }, shutdown: async () => {} }, { isRetryable });
    expect(await exportAsync(exporter, makeSpans(1))).toEqual({ code: ExportResultCode.FAILED, error: boom });
  });

  it('shutdown() cuts a backoff wait short instead of hanging, then shuts the inner exporter down', async () => {
    const inner = new ScriptedExporter([UNAVAILABLE]);
    let waiting!: () => void;
    const waitStarted = new Promise<void>((resolve) => (waiting = resolve));
    const exporter = withRetries(inner, { isRetryable, sleep: sleepUntilAborted(() => waiting()) });
    const pending = exportAsync(exporter, makeSpans(1));
    await waitStarted;

    const started = performance.now();
    await exporter.shutdown();
    expect(performance.now() - started).toBeLessThan(100);
    expect(await pending).toEqual({ code: ExportResultCode.FAILED, error: UNAVAILABLE });
    expect(inner.shutdownCalls).toBe(1);
    expect(inner.batches).toHaveLength(1);
  });

  it('refuses exports after shutdown', async () => {
    const { inner, exporter } = setup([]);
    await exporter.shutdown();
    expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.FAILED);
    expect(inner.batches).toHaveLength(0);
  });

  it('forceFlush() waits for batches still being retried', async () => {
    const { exporter } = setup([UNAVAILABLE, UNAVAILABLE]);
    let settled = false;
    void exportAsync(exporter, makeSpans(1)).then(() => (settled = true));
    await exporter.forceFlush!();
    expect(settled).toBe(true);
  });

  it('with the real timer, a shutdown during a long backoff returns at once', async () => {
    const inner = new ScriptedExporter([UNAVAILABLE]);
    const exporter = withRetries(inner, { isRetryable, initialDelayMillis: 60_000, maxDelayMillis: 60_000, random: () => 1 });
    const pending = exportAsync(exporter, makeSpans(1));
    await expect.poll(() => inner.batches.length).toBe(1);
    const started = performance.now();
    await exporter.shutdown();
    expect((await pending).code).toBe(ExportResultCode.FAILED);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
