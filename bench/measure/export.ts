import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { OpenTelemetryTracingProcessor } from '@agents-tracing/processor';
import { createOtlpSpanExporter, type OtlpProtocol } from '@agents-tracing/exporter-otlp';
import { setTraceProcessors, setTracingDisabled } from '@openai/agents';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { pipeline, type Pipeline, type PipelineOptions, type Processing } from '../configs/index.js';
import type { RunWorkload } from '../workloads/index.js';
import { awaitSpansInJaeger } from './jaeger-count.js';

export interface JaegerEndpoints {
  otlpHttpUrl: string;
  otlpGrpcUrl: string;
  queryUrl: string;
}

export interface ExportMeasurement {
  /** What was measured, for the table. */
  label: string;
  produced: number;
  /** Acknowledged by Jaeger to the exporter. */
  exported: number;
  /** Read back through Jaeger's query API. */
  stored: number;
  seconds: number;
  /** Stored spans per second of wall time. */
  spansPerSecond: number;
}

const uniqueService = (what: string) => `agents-tracing-bench-${what}-${randomBytes(4).toString('hex')}`;

function otlpExporter(jaeger: JaegerEndpoints, protocol: OtlpProtocol) {
  return createOtlpSpanExporter({
    protocol,
    endpoint: protocol === 'grpc' ? jaeger.otlpGrpcUrl : `${jaeger.otlpHttpUrl}/v1/traces`,
  });
}

async function runWith(pipe: Pipeline, workload: RunWorkload, runs: number, yieldBetweenRuns: boolean): Promise<void> {
  const processor = new OpenTelemetryTracingProcessor({ tracerProvider: pipe.provider, nestToolSpans: false });
  setTracingDisabled(false);
  setTraceProcessors([processor]);
  for (let i = 0; i < runs; i++) {
    await workload.run();
    if (yieldBetweenRuns) await nextTurn();
  }
  setTraceProcessors([]);
  await processor.shutdown();
}

/** Spans of `runs` runs of the workload, recorded by our processor in memory. */
async function recordSpans(workload: RunWorkload, runs: number, service: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const pipe = pipeline(memory, 'simple', { serviceName: service });
  await runWith(pipe, workload, runs, false);
  return memory.getFinishedSpans();
}

/**
 * Waits until the exporter has answered for `produced` spans, or nothing moved for `idleMs`.
 * A span processor drains its queue one batch after another by itself; `forceFlush` on a long
 * queue would instead send every batch at once, past the OTLP exporter's limit of concurrent
 * exports (30), and those batches would fail.
 */
async function drained(pipe: Pipeline, produced: number, idleMs = 10_000): Promise<void> {
  let seen = -1;
  let movedAt = performance.now();
  for (;;) {
    const answered = pipe.sink.exported + pipe.sink.failed;
    if (answered >= produced) return;
    if (answered !== seen) {
      seen = answered;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > idleMs) {
      return;
    }
    await sleep(5);
  }
}

async function finish(
  label: string,
  jaeger: JaegerEndpoints,
  service: string,
  pipe: Pipeline,
  produced: number,
  traces: number,
  began: number,
): Promise<ExportMeasurement> {
  await drained(pipe, produced);
  await pipe.provider.forceFlush().catch(() => undefined);
  const seconds = (performance.now() - began) / 1000;
  const stored = await awaitSpansInJaeger(jaeger.queryUrl, service, produced, traces + 10);
  await pipe.provider.shutdown();
  return { label, produced, exported: pipe.sink.exported, stored, seconds, spansPerSecond: stored / seconds };
}

const PROCESSING_NAMES: Record<Processing, string> = {
  simple: 'simple span processor',
  batch: 'batch span processor',
  delivery: "ours' delivery processor",
};

/** Room for the whole burst, and time for it to drain: only the pipeline's speed is measured. */
function sizedForBurst(spans: number): PipelineOptions {
  return {
    batch: { maxQueueSize: spans },
    delivery: { maxQueueSize: spans, flushTimeoutMillis: 120_000 },
  };
}

/**
 * Export capacity: recorded spans handed to a span processor (queue sized for the burst, default
 * batch size) as fast as it takes them, until Jaeger has acknowledged the last batch.
 */
export async function measureExportPipeline(
  jaeger: JaegerEndpoints,
  workload: RunWorkload,
  runs: number,
  processing: Processing,
  protocol: OtlpProtocol,
): Promise<ExportMeasurement> {
  const service = uniqueService(`export-${processing}-${protocol.replace('/', '-')}`);
  const spans = await recordSpans(workload, runs, service);
  const pipe = pipeline(otlpExporter(jaeger, protocol), processing, { serviceName: service, ...sizedForBurst(spans.length) });
  const began = performance.now();
  for (const span of spans) pipe.spanProcessor.onEnd(span);
  const label = `burst into ${PROCESSING_NAMES[processing]}, OTLP ${protocol}`;
  return finish(label, jaeger, service, pipe, spans.length, runs, began);
}

/**
 * Live: agent runs back to back with our processor, the span processor at its default settings,
 * exporting to Jaeger while they run; the clock stops when the last span is acknowledged.
 */
export async function measureLiveExport(
  jaeger: JaegerEndpoints,
  workload: RunWorkload,
  runs: number,
  processing: Processing,
): Promise<ExportMeasurement> {
  const service = uniqueService(`live-${processing}`);
  // Only the flush at the end gets more time than the default: the spans in flight are what is counted.
  const pipe = pipeline(otlpExporter(jaeger, 'http/protobuf'), processing, {
    serviceName: service,
    delivery: { flushTimeoutMillis: 120_000 },
  });
  const began = performance.now();
  await runWith(pipe, workload, runs, true);
  const label = `live runs, ${PROCESSING_NAMES[processing]} at its defaults, OTLP http/protobuf`;
  return finish(label, jaeger, service, pipe, runs * workload.spansPerRun, runs, began);
}
