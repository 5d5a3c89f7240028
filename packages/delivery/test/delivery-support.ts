import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { DeliverySpanProcessor, type DeliverySpanProcessorOptions } from '../src/index.js';

export type Answer = 'ok' | 'fail' | 'refuse' | 'hang' | 'throw';

/**
 * An exporter that answers each export as told (by default 'ok') and records what it was sent,
 * including batches it failed.
 */
export class ScriptedExporter implements SpanExporter {
  readonly attempts: string[][] = [];
  readonly delivered: string[] = [];
  answer: Answer | ((attempt: number) => Answer) = 'ok';
  shutDown = false;
  /** The callbacks of exports answered 'hang', to answer them later. */
  readonly hanging: ((result: ExportResult) => void)[] = [];

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const names = spans.map((s) => s.name);
    this.attempts.push(names);
    const answer = typeof this.answer === 'function' ? this.answer(this.attempts.length) : this.answer;
    if (answer === 'throw') throw new Error('exporter blew up');
    if (answer === 'hang') {
      this.hanging.push(done);
      return;
    }
    setImmediate(() => {
      if (answer === 'ok') {
        this.delivered.push(...names);
        done({ code: ExportResultCode.SUCCESS });
      } else if (answer === 'refuse') {
        done({ code: ExportResultCode.FAILED, error: Object.assign(new Error('401 Unauthorized'), { retryable: false }) });
      } else {
        done({ code: ExportResultCode.FAILED, error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' }) });
      }
    });
  }

  async shutdown(): Promise<void> {
    this.shutDown = true;
  }
}

export interface Logged {
  level: 'warn' | 'info';
  message: string;
}

/** A delivery pipeline in a tracer provider, with a captured logger and no jitter by default. */
export function pipeline(exporter: SpanExporter, options: DeliverySpanProcessorOptions = {}) {
  const logged: Logged[] = [];
  const processor = new DeliverySpanProcessor(exporter, {
    name: 'test',
    scheduledDelayMillis: 5,
    initialRetryDelayMillis: 5,
    maxRetryDelayMillis: 20,
    logger: {
      warn: (message) => logged.push({ level: 'warn', message }),
      info: (message) => logged.push({ level: 'info', message }),
    },
    ...options,
  });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('delivery-test');
  return {
    processor,
    provider,
    logged,
    /** Ends `count` spans named `${prefix}0`, `${prefix}1`, … */
    endSpans(count: number, prefix = 's'): void {
      for (let i = 0; i < count; i++) tracer.startSpan(`${prefix}${i}`).end();
    },
  };
}

export const names = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
