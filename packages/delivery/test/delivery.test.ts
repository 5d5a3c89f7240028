import { setTimeout as sleep } from 'node:timers/promises';
import { ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { retryDelay } from '../src/pipeline/backoff.js';
import { isRetryable } from '../src/pipeline/export-attempt.js';
import { resolveDeliveryOptions } from '../src/pipeline/options.js';
import { names, pipeline, ScriptedExporter } from './delivery-support.js';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

describe('delivery pipeline', () => {
  it('sends spans in batches of at most maxExportBatchSize, in order', async () => {
    const exporter = new ScriptedExporter();
    const { processor, endSpans } = pipeline(exporter, { maxExportBatchSize: 4 });
    endSpans(10);
    await processor.forceFlush();
    expect(exporter.delivered).toEqual(names('s', 10));
    expect(Math.max(...exporter.attempts.map((a) => a.length))).toBeLessThanOrEqual(4);
    expect(processor.stats()).toMatchObject({ exported: 10, retried: 0, dropped: 0, pending: 0 });
  });

  it('retries a failed batch instead of dropping it, and says so once per outage', async () => {
    const exporter = new ScriptedExporter();
    exporter.answer = (attempt) => (attempt <= 3 ? 'fail' : 'ok');
    const { processor, endSpans, logged } = pipeline(exporter);
    endSpans(3);
    await until(() => exporter.delivered.length === 3);
    expect(exporter.delivered).toEqual(names('s', 3));
    expect(processor.stats()).toMatchObject({ exported: 3, retried: 9, dropped: 0, pending: 0 });
    expect(logged.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', message: expect.stringMatching(/^test: export failed \(connect ECONNREFUSED 127\.0\.0\.1:4318\); retrying with backoff/) },
    ]);
    expect(logged.at(-1)).toEqual({ level: 'info', message: 'test: exporting works again.' });
  });

  it('drops a batch the backend refuses for good, counted and told', async () => {
    const exporter = new ScriptedExporter();
    exporter.answer = 'refuse';
    const { processor, endSpans, logged } = pipeline(exporter);
    endSpans(2);
    await processor.forceFlush();
    expect(exporter.attempts).toHaveLength(1);
    expect(processor.stats()).toMatchObject({ exported: 0, retried: 0, dropped: 2, pending: 0 });
    expect(logged.map((l) => l.message)).toEqual([
      'test: the backend refused a batch of 2 spans for good, so it is dropped: 401 Unauthorized',
    ]);
  });

  it('keeps memory bounded during an outage: past the cap the oldest spans go, counted and told once', async () => {
    const exporter = new ScriptedExporter();
    exporter.answer = 'fail';
    const { processor, endSpans, logged } = pipeline(exporter, { maxQueueSize: 5, maxExportBatchSize: 2 });
    endSpans(12);
    await until(() => exporter.attempts.length >= 3);
    expect(processor.stats().pending).toBeLessThanOrEqual(5 + 2);
    exporter.answer = 'ok';
    await processor.forceFlush();
    // The newest five survive; the seven oldest were dropped.
    expect(exporter.delivered).toEqual(names('s', 12).slice(7));
    expect(processor.stats()).toMatchObject({ exported: 5, dropped: 7, pending: 0 });
    expect(logged.filter((l) => l.message.includes('oldest are dropped'))).toHaveLength(1);
  });

  it('never throws into the code that ends spans, even when the exporter throws', async () => {
    const exporter = new ScriptedExporter();
    exporter.answer = (attempt) => (attempt === 1 ? 'throw' : 'ok');
    const { processor, endSpans } = pipeline(exporter);
    expect(() => endSpans(3)).not.toThrow();
    await until(() => exporter.delivered.length === 3);
    expect(processor.stats()).toMatchObject({ exported: 3, retried: 3 });
  });

  it('bounds forceFlush and shutdown by the flush budget when the exporter hangs', async () => {
    const exporter = new ScriptedExporter();
    exporter.answer = 'hang';
    const { processor, endSpans, logged } = pipeline(exporter, { flushTimeoutMillis: 200, exportTimeoutMillis: 60_000 });
    endSpans(2);
    const began = Date.now();
    await processor.forceFlush();
    // The processor's shutdown comes right after its flush: both share one budget.
    await processor.shutdown();
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1_500);
    expect(exporter.shutDown).toBe(true);
    // Still out at the end: they may have arrived, so they are not confirmed, not lost.
    expect(processor.stats()).toMatchObject({ exported: 0, dropped: 0, pending: 0, unconfirmed: 2 });
    expect(logged.at(-1)?.message).toBe(
      'test: 2 spans were being sent when shutdown ended and are not confirmed: they may have arrived (a spool directory would send them again if not).',
    );
  });

  it('tells lost from not confirmed, never counts a span twice, and says nothing after the final report', async () => {
    const exporter = new ScriptedExporter();
    exporter.answer = (attempt) => (attempt === 1 ? 'hang' : 'fail');
    const { processor, endSpans, logged } = pipeline(exporter, { flushTimeoutMillis: 150, maxExportBatchSize: 2, exportTimeoutMillis: 60_000 });
    endSpans(2, 'out');
    await until(() => exporter.attempts.length === 1);
    endSpans(3, 'waiting');
    await processor.shutdown();
    const total = (s: ReturnType<typeof processor.stats>): number => s.exported + s.dropped + s.pending + s.unconfirmed;
    expect(processor.stats()).toMatchObject({ exported: 0, dropped: 3, pending: 0, unconfirmed: 2 });
    expect(total(processor.stats())).toBe(5);
    const finalReport = 'test: 3 spans could not be delivered before shutdown and are lost (a spool directory would keep them); 2 more were being sent and are not confirmed (they may have arrived).';
    expect(logged.at(-1)?.message).toBe(finalReport);
    // The answer comes after all: the spans arrived, counted once, and nothing more is said.
    exporter.hanging[0]!({ code: ExportResultCode.SUCCESS });
    await until(() => processor.stats().unconfirmed === 0);
    expect(processor.stats()).toMatchObject({ exported: 2, dropped: 3, pending: 0, unconfirmed: 0 });
    expect(logged.at(-1)?.message).toBe(finalReport);
    expect(logged.filter((l) => /retrying/.test(l.message))).toEqual([]);
  });

  it('counts a batch not confirmed at shutdown as lost when its answer is a failure', async () => {
    const exporter = new ScriptedExporter();
    exporter.answer = 'hang';
    const { processor, endSpans, logged } = pipeline(exporter, { flushTimeoutMillis: 100, exportTimeoutMillis: 60_000 });
    endSpans(2);
    await processor.shutdown();
    const told = logged.length;
    exporter.hanging[0]!({ code: ExportResultCode.FAILED, error: new Error('socket hang up') });
    await until(() => processor.stats().unconfirmed === 0);
    expect(processor.stats()).toMatchObject({ exported: 0, dropped: 2, pending: 0 });
    expect(logged).toHaveLength(told);
  });

  it('times out an export that never answers and sends the batch again', async () => {
    const exporter = new ScriptedExporter();
    exporter.answer = (attempt) => (attempt === 1 ? 'hang' : 'ok');
    const { processor, endSpans } = pipeline(exporter, { exportTimeoutMillis: 50 });
    endSpans(2);
    await until(() => exporter.delivered.length === 2);
    expect(processor.stats()).toMatchObject({ exported: 2, retried: 2 });
  });

  it('counts spans that end after shutdown as dropped', async () => {
    const exporter = new ScriptedExporter();
    const { processor, endSpans } = pipeline(exporter);
    await processor.shutdown();
    endSpans(1);
    expect(processor.stats()).toMatchObject({ exported: 0, dropped: 1 });
  });
});

describe('retry policy', () => {
  it('waits a uniformly random time below an exponentially growing, capped bound', () => {
    expect(retryDelay(1, 500, 5_000, () => 0.999)).toBeCloseTo(499.5);
    expect(retryDelay(3, 500, 5_000, () => 0.5)).toBe(1_000);
    expect(retryDelay(10, 500, 5_000, () => 0.5)).toBe(2_500);
    expect(retryDelay(5_000, 500, 5_000, () => 1 - Number.EPSILON)).toBeLessThan(5_000);
    expect(retryDelay(4, 500, 5_000, () => 0)).toBe(0);
  });

  it('retries connection problems, timeouts and 5xx, not a final refusal or a 4xx', () => {
    expect(isRetryable(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { name: 'OTLPExporterError', code: 503 }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { name: 'OTLPExporterError', code: 429 }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { name: 'OTLPExporterError', code: 400 }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { retryable: false }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { retryable: true, code: 401 }))).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
  });

  it('refuses settings that are not usable numbers', () => {
    expect(() => resolveDeliveryOptions({ maxQueueSize: 0 })).toThrow('delivery.maxQueueSize must be a number ≥ 1 (got 0).');
    expect(() => resolveDeliveryOptions({ maxRetryDelayMillis: Number.NaN })).toThrow(RangeError);
    expect(resolveDeliveryOptions({ maxExportBatchSize: 8 }).maxExportBatchSize).toBe(8);
  });
});
