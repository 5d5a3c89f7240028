import { TraceFlags, type Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { retryDelay } from './backoff.js';
import { exportOnce, isRetryable } from './export-attempt.js';
import { defaultDeliveryLogger, describeExportFailure, type DeliveryLogger } from './logger.js';
import { resolveDeliveryOptions, type DeliveryOptions, type ResolvedDeliveryOptions } from './options.js';
import { SpanQueue } from './span-queue.js';
import type { Spool, SpoolRef } from '../spool/spool.js';
import { zeroCounts, type DeliveryCounts } from './stats.js';

export interface DeliverySpanProcessorOptions extends DeliveryOptions {
  /** Names the exporter in messages and stats. Default "exporter". */
  name?: string;
  /** Finished spans are written here before export and removed once acknowledged. */
  spool?: Spool;
  logger?: DeliveryLogger;
}

interface Entry {
  span: ReadableSpan;
  /** Order of arrival, to know when everything handed over before a flush is settled. */
  seq: number;
  ref: SpoolRef | undefined;
}

interface FlushWaiter {
  /** Resolved once every entry up to this seq is settled. */
  throughSeq: number;
  resolve(): void;
}

type Timer = ReturnType<typeof setTimeout>;

/** A shutdown this soon after a flush ended is the second half of one "flush, then shut down". */
const FLUSH_THEN_SHUTDOWN_MILLIS = 250;

/**
 * A span processor for one exporter that does not lose spans to a backend outage: finished spans
 * wait in a bounded queue (and in the spool, when there is one), go out in batches, and a batch
 * that fails is sent again after an exponential backoff with full jitter instead of being
 * dropped. Only a full queue (oldest first), a batch the backend refuses for good, or shutdown
 * give spans up, and each is counted and told once.
 *
 * Nothing here throws into the caller, and export work never runs inside `onEnd`, which is on
 * the agent's hot path.
 */
export class DeliverySpanProcessor implements SpanProcessor {
  readonly name: string;
  readonly #exporter: SpanExporter;
  readonly #options: ResolvedDeliveryOptions;
  readonly #spool: Spool | undefined;
  readonly #logger: DeliveryLogger;
  readonly #queue = new SpanQueue<Entry>();
  readonly #counts = zeroCounts();
  readonly #waiters = new Set<FlushWaiter>();
  readonly #told = new Set<string>();
  #inFlight: Entry[] | undefined;
  /** A batch still out when shutdown gave up on it: counted as unconfirmed until its answer comes. */
  #abandoned: Entry[] | undefined;
  #timer: Timer | undefined;
  #timerIsBackoff = false;
  #failures = 0;
  #nextSeq = 0;
  #stopped = false;
  #recovery: Promise<void> | undefined;
  /** The latest forceFlush: a shutdown that follows it at once shares its deadline. */
  #lastFlush: { deadline: number; endedAt: number | undefined } | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(exporter: SpanExporter, options: DeliverySpanProcessorOptions = {}) {
    this.#exporter = exporter;
    this.#options = resolveDeliveryOptions(options);
    this.name = options.name ?? 'exporter';
    this.#spool = options.spool;
    this.#logger = options.logger ?? defaultDeliveryLogger();
    if (this.#spool) this.#recovery = this.#recover(this.#spool);
  }

  /** What happened to this exporter's spans so far. */
  stats(): DeliveryCounts {
    const inFlight = this.#inFlight !== undefined && this.#inFlight !== this.#abandoned ? this.#inFlight.length : 0;
    return { ...this.#counts, pending: this.#queue.length + inFlight };
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    try {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (this.#stopped) {
        this.#counts.dropped += 1;
        this.#tellOnce('after-shutdown', 'warn', `${this.name}: a span ended after tracing was shut down and is not exported.`);
        return;
      }
      this.#enqueue({ span, seq: this.#nextSeq++, ref: this.#spoolSpan(span) });
    } catch (error) {
      this.#tellOnce('on-end', 'warn', `${this.name}: a finished span could not be queued: ${describeExportFailure(error)}`);
    }
  }

  /**
   * Exports everything handed over so far, waiting at most `flushTimeoutMillis`. Resolves either
   * way: spans not delivered by then stay queued and keep being retried.
   */
  forceFlush(): Promise<void> {
    const now = Date.now();
    const previous = this.#lastFlush;
    // A flush right after one that used up its budget (the tracing processor's shutdown flushes
    // again after the app's own forceFlush) gets no new budget: one budget per exit.
    const spent = previous?.endedAt !== undefined && previous.endedAt >= previous.deadline && now - previous.endedAt < FLUSH_THEN_SHUTDOWN_MILLIS;
    const flush = { deadline: spent ? previous.deadline : now + this.#options.flushTimeoutMillis, endedAt: undefined as number | undefined };
    this.#lastFlush = flush;
    return this.#flushUntil(flush.deadline).then(() => {
      flush.endedAt = Date.now();
    });
  }

  /**
   * Flushes within the time left of a `forceFlush()` that is running or just ended (the tracing
   * processor flushes and then shuts down: both share one budget), else within
   * `flushTimeoutMillis`; then stops. Spans still undelivered stay in the spool for the next
   * process, or are counted as dropped.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#stop();
    return this.#shutdown;
  }

  async #stop(): Promise<void> {
    const now = Date.now();
    const flush = this.#lastFlush;
    const continuesFlush = flush !== undefined && (flush.endedAt === undefined || now - flush.endedAt < FLUSH_THEN_SHUTDOWN_MILLIS);
    const deadline = continuesFlush ? flush.deadline : now + this.#options.flushTimeoutMillis;
    await this.#flushUntil(deadline);
    this.#giveUp();
    // Exporters of this project abort a request still out; others get until the deadline (and a little).
    await withDeadline(this.#exporter.shutdown().catch(() => undefined), Math.max(deadline - Date.now(), 100));
  }

  /**
   * Called at process exit, when nothing asynchronous can run any more: tells what is left.
   */
  reportAtExit(): void {
    if (this.#stopped) return;
    this.#giveUp();
  }

  /**
   * Stops, and tells the final count once. Spans never sent are lost (without a spool); a batch
   * still out is *not confirmed*: it may have arrived, so it counts in `unconfirmed` until its
   * answer comes, and with a spool it is sent again by the next process.
   */
  #giveUp(): void {
    this.#stopped = true;
    this.#clearTimer();
    const waiting = this.#queue.length;
    const out = this.#inFlight?.length ?? 0;
    this.#abandoned = this.#inFlight;
    this.#counts.unconfirmed += out;
    if (this.#spool) {
      if (waiting + out > 0) {
        this.#logger.warn(
          `${this.name}: ${describeCount(waiting, out)} before shutdown; they stay in the spool at ${this.#spool.directory} and the next process using it sends them.`,
        );
      }
    } else {
      this.#counts.dropped += waiting;
      this.#queue.take(waiting);
      if (waiting > 0) {
        this.#logger.warn(
          `${this.name}: ${waiting} spans could not be delivered before shutdown and are lost (a spool directory would keep them)` +
            (out > 0 ? `; ${out} more were being sent and are not confirmed (they may have arrived).` : '.'),
        );
      } else if (out > 0) {
        this.#logger.warn(
          `${this.name}: ${out} spans were being sent when shutdown ended and are not confirmed: they may have arrived (a spool directory would send them again if not).`,
        );
      }
    }
    this.#spool?.close();
  }

  #spoolSpan(span: ReadableSpan): SpoolRef | undefined {
    if (!this.#spool) return undefined;
    try {
      const ref = this.#spool.append(span);
      this.#counts.spooled += 1;
      return ref;
    } catch (error) {
      this.#tellOnce('spool-write', 'warn', `${this.name}: spans cannot be written to the spool (${describeExportFailure(error)}); they are kept in memory only.`);
      return undefined;
    }
  }

  async #recover(spool: Spool): Promise<void> {
    try {
      const { spans, unreadable } = await spool.recover();
      this.#counts.unreadable += unreadable;
      if (unreadable > 0) {
        this.#logger.warn(`${this.name}: ${unreadable} unreadable records in the spool at ${spool.directory} were skipped (torn by a crash or corrupt).`);
      }
      if (spans.length === 0) return;
      if (this.#stopped) {
        // Shut down before the spool was read: its spans stay there for the next process.
        spool.close();
        return;
      }
      this.#counts.recovered += spans.length;
      for (const { span, ref } of spans) this.#enqueue({ span, seq: this.#nextSeq++, ref });
      this.#logger.info(`${this.name}: ${spans.length} spans left in the spool by an earlier process are being sent.`);
    } catch (error) {
      this.#tellOnce('spool-read', 'warn', `${this.name}: the spool at ${spool.directory} could not be read: ${describeExportFailure(error)}`);
    }
  }

  #enqueue(entry: Entry): void {
    this.#queue.push(entry);
    this.#dropOverflow();
    this.#schedule();
  }

  /** Past the cap the oldest waiting spans go first: counted, settled in the spool, told once. */
  #dropOverflow(): void {
    const excess = this.#queue.length - this.#options.maxQueueSize;
    if (excess <= 0) return;
    const dropped = this.#queue.take(excess);
    this.#counts.dropped += dropped.length;
    this.#settleRefs(dropped.map((e) => e.ref), true);
    this.#tellOnce(
      'queue-full',
      'warn',
      `${this.name}: more than ${this.#options.maxQueueSize} spans are waiting for export; the oldest are dropped (see stats().dropped).`,
    );
    this.#notifyWaiters();
  }

  #schedule(): void {
    if (this.#inFlight || this.#stopped || this.#queue.length === 0) return;
    const now = this.#queue.length >= this.#options.maxExportBatchSize || this.#waiters.size > 0;
    if (this.#timer !== undefined) {
      // A backoff is respected; a batching delay is cut short when a batch is full or a flush waits.
      if (this.#timerIsBackoff || !now) return;
      this.#clearTimer();
    }
    this.#setTimer(now ? 0 : this.#options.scheduledDelayMillis, false);
  }

  #setTimer(millis: number, isBackoff: boolean): void {
    // Unref'd: pending exports never keep a finished process alive; exit paths flush explicitly.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerIsBackoff = false;
      this.#exportNext();
    }, millis);
    this.#timer.unref();
    this.#timerIsBackoff = isBackoff;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerIsBackoff = false;
  }

  #exportNext(): void {
    if (this.#inFlight || this.#stopped || this.#queue.length === 0) return;
    const batch = this.#queue.take(this.#options.maxExportBatchSize);
    this.#inFlight = batch;
    void exportOnce(
      this.#exporter,
      batch.map((e) => e.span),
      this.#options.exportTimeoutMillis,
    ).then((result) => this.#settleBatch(batch, result));
  }

  #settleBatch(batch: Entry[], result: ExportResult): void {
    try {
      this.#inFlight = undefined;
      // After the final report: counted, never told again.
      if (batch === this.#abandoned) this.#settleAbandoned(batch, result);
      else if (result.code === ExportResultCode.SUCCESS) this.#delivered(batch);
      else if (!isRetryable(result.error)) this.#refused(batch, result.error);
      else this.#retryLater(batch, result.error);
      this.#notifyWaiters();
      if (!this.#timerIsBackoff) this.#schedule();
    } catch (error) {
      this.#tellOnce('settle', 'warn', `${this.name}: export bookkeeping failed: ${describeExportFailure(error)}`);
    }
  }

  /** The answer for a batch shutdown gave up on: it arrived, or (without a spool) it is lost. */
  #settleAbandoned(batch: Entry[], result: ExportResult): void {
    // An aborted request may have arrived all the same: it stays not confirmed.
    if (isAborted(result.error)) return;
    const arrived = result.code === ExportResultCode.SUCCESS;
    this.#abandoned = undefined;
    this.#counts.unconfirmed -= batch.length;
    if (arrived) {
      this.#counts.exported += batch.length;
      this.#settleRefs(batch.map((e) => e.ref), false);
    } else if (!this.#spool) {
      this.#counts.dropped += batch.length;
    }
  }

  #delivered(batch: Entry[]): void {
    this.#counts.exported += batch.length;
    this.#settleRefs(batch.map((e) => e.ref), true);
    if (this.#failures > 0) {
      this.#logger.info(`${this.name}: exporting works again.`);
      this.#told.delete('outage');
    }
    this.#failures = 0;
  }

  #refused(batch: Entry[], error: unknown): void {
    this.#counts.dropped += batch.length;
    this.#settleRefs(batch.map((e) => e.ref), true);
    this.#tellOnce('refused', 'warn', `${this.name}: the backend refused a batch of ${batch.length} spans for good, so it is dropped: ${describeExportFailure(error)}`);
  }

  #retryLater(batch: Entry[], error: unknown): void {
    this.#failures += 1;
    this.#counts.retried += batch.length;
    this.#queue.putBack(batch);
    this.#dropOverflow();
    this.#tellOnce(
      'outage',
      'warn',
      `${this.name}: export failed (${describeExportFailure(error)}); retrying with backoff, keeping up to ${this.#options.maxQueueSize} spans meanwhile.`,
    );
    if (this.#stopped) return;
    const delay = retryDelay(this.#failures, this.#options.initialRetryDelayMillis, this.#options.maxRetryDelayMillis);
    this.#clearTimer();
    this.#setTimer(delay, true);
  }

  #settleRefs(refs: (SpoolRef | undefined)[], tellFailure: boolean): void {
    if (!this.#spool) return;
    try {
      this.#spool.settle(refs);
    } catch (error) {
      if (tellFailure) {
        this.#tellOnce('spool-settle', 'warn', `${this.name}: the spool could not record delivered spans (${describeExportFailure(error)}); they may be sent again later.`);
      }
    }
  }

  async #flushUntil(deadline: number): Promise<void> {
    if (this.#stopped) return;
    if (this.#recovery) await withDeadline(this.#recovery, deadline - Date.now());
    const throughSeq = this.#nextSeq - 1;
    if (this.#settledThrough() >= throughSeq) return;
    await new Promise<void>((resolve) => {
      const waiter: FlushWaiter = {
        throughSeq,
        resolve: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      // Ref'd on purpose: `await shutdown()` at the end of a script completes before the process ends.
      const timer = setTimeout(waiter.resolve, Math.max(0, deadline - Date.now()));
      this.#waiters.add(waiter);
      // A flush is worth one attempt now, even in the middle of a backoff.
      if (this.#timerIsBackoff) this.#clearTimer();
      this.#schedule();
    });
  }

  /** Every entry with a seq up to this one is exported, refused or dropped. */
  #settledThrough(): number {
    const oldest = this.#inFlight?.[0] ?? this.#queue.peek();
    return (oldest?.seq ?? this.#nextSeq) - 1;
  }

  #notifyWaiters(): void {
    const settled = this.#settledThrough();
    for (const waiter of [...this.#waiters]) if (waiter.throughSeq <= settled) waiter.resolve();
  }

  #tellOnce(key: string, level: 'warn' | 'info', message: string): void {
    if (this.#told.has(key)) return;
    this.#told.add(key);
    this.#logger[level](message);
  }
}

/** The exporter aborted the request at shutdown (this project's exporters say so with `kind`). */
const isAborted = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && ((error as { kind?: unknown }).kind === 'aborted' || (error as Error).name === 'ExportAbortedError');

function describeCount(waiting: number, out: number): string {
  const parts = [waiting > 0 ? `${waiting} spans were not delivered` : '', out > 0 ? `${out} were being sent and are not confirmed` : ''];
  return parts.filter(Boolean).join(' and ');
}

async function withDeadline(promise: Promise<unknown>, millis: number): Promise<void> {
  let timer: Timer | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, millis))))]);
  clearTimeout(timer);
}
