import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { OpenTelemetryTracingProcessor } from '@agents-tracing/processor';
import { createOtlpSpanExporter, type OtlpProtocol } from '@agents-tracing/exporter-otlp';
import { setTraceProcessors, setTracingDisabled } from '@openai/agents';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
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
  /** CPU time this process spent meanwhile (serialising, sending): near `seconds` means the sender is the limit. */
  cpuSeconds: number;
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
export async function recordSpans(workload: RunWorkload, runs: number): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  await runWith(pipeline(memory, 'simple'), workload, runs, false);
  return memory.getFinishedSpans();
}

const randomTraceId = () => randomBytes(16).toString('hex');

/**
 * `count` spans made of copies of the recorded ones, each copy of a trace under a fresh trace id
 * and all under the given service, so every measurement sends spans Jaeger has not seen.
 */
function copiesOf(recorded: readonly ReadableSpan[], count: number, service: string): ReadableSpan[] {
  const resource = resourceFromAttributes({ 'service.name': service });
  const out: ReadableSpan[] = [];
  while (out.length < count) {
    const traceIds = new Map<string, string>();
    const fresh = (id: string) => traceIds.get(id) ?? traceIds.set(id, randomTraceId()).get(id)!;
    for (const span of recorded) {
      if (out.length >= count) break;
      const context = span.spanContext();
      const spanContext = { ...context, traceId: fresh(context.traceId) };
      const parent = span.parentSpanContext;
      out.push({
        name: span.name,
        kind: span.kind,
        spanContext: () => spanContext,
        parentSpanContext: parent ? { ...parent, traceId: fresh(parent.traceId) } : undefined,
        startTime: span.startTime,
        endTime: span.endTime,
        status: span.status,
        attributes: span.attributes,
        links: span.links,
        events: span.events,
        duration: span.duration,
        ended: span.ended,
        resource,
        instrumentationScope: span.instrumentationScope,
        droppedAttributesCount: span.droppedAttributesCount,
        droppedEventsCount: span.droppedEventsCount,
        droppedLinksCount: span.droppedLinksCount,
      });
    }
  }
  return out;
}

/** Batches a flush may send at once, well below the OTLP exporter's limit of 30 concurrent exports. */
const FLUSHABLE_BATCHES = 10;
const BATCH_SIZE = 512;

/**
 * Waits until at most a few batches are left unanswered (or nothing moved for `idleMs`), so the
 * final `forceFlush` stays within the exporter's concurrency. A span processor drains its queue one
 * batch after another by itself; `forceFlush` on a long queue would send every batch at once, past
 * the OTLP exporter's limit of 30 concurrent exports, and those batches would fail.
 */
async function drainedEnoughToFlush(pipe: Pipeline, produced: number, idleMs = 10_000): Promise<void> {
  let seen = -1;
  let movedAt = performance.now();
  for (;;) {
    const answered = pipe.sink.exported + pipe.sink.failed;
    if (produced - answered <= FLUSHABLE_BATCHES * BATCH_SIZE) return;
    if (answered !== seen) {
      seen = answered;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > idleMs) {
      return;
    }
    await sleep(2);
  }
}

async function finish(
  label: string,
  jaeger: JaegerEndpoints,
  service: string,
  pipe: Pipeline,
  produced: number,
  traces: number,
  began: { wall: number; cpu: NodeJS.CpuUsage },
): Promise<ExportMeasurement> {
  await drainedEnoughToFlush(pipe, produced);
  await pipe.provider.forceFlush().catch(() => undefined);
  const seconds = (performance.now() - began.wall) / 1000;
  const cpu = process.cpuUsage(began.cpu);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const stored = await awaitSpansInJaeger(jaeger.queryUrl, service, produced, traces + 10);
  await pipe.provider.shutdown();
  return { label, produced, exported: pipe.sink.exported, stored, seconds, cpuSeconds, spansPerSecond: stored / seconds };
}

const PROCESSING_NAMES: Record<Processing, string> = {
  simple: 'simple span processor',
  batch: 'batch span processor',
  delivery: "ours' delivery processor",
};

/** Room for the whole burst, and time for it to drain: only the pipeline's speed is measured. */
function sizedForBurst(spans: number): PipelineOptions {
  return {
    batch: { maxQueueSize: spans, maxExportBatchSize: BATCH_SIZE },
    delivery: { maxQueueSize: spans, maxExportBatchSize: BATCH_SIZE, flushTimeoutMillis: 120_000 },
  };
}

/**
 * Export capacity: `count` spans (copies of recorded agent runs) handed to a span processor
 * (queue sized for the burst, default batch size) as fast as it takes them, until Jaeger has
 * acknowledged the last batch.
 */
export async function measureExportPipeline(
  jaeger: JaegerEndpoints,
  recorded: readonly ReadableSpan[],
  count: number,
  processing: Processing,
  protocol: OtlpProtocol,
): Promise<ExportMeasurement> {
  const service = uniqueService(`export-${processing}-${protocol.replace('/', '-')}`);
  const spans = copiesOf(recorded, count, service);
  const traces = new Set(spans.map((s) => s.spanContext().traceId)).size;
  const pipe = pipeline(otlpExporter(jaeger, protocol), processing, { serviceName: service, ...sizedForBurst(spans.length) });
  const began = { wall: performance.now(), cpu: process.cpuUsage() };
  for (const span of spans) pipe.spanProcessor.onEnd(span);
  const label = `burst into ${PROCESSING_NAMES[processing]}, OTLP ${protocol}`;
  return finish(label, jaeger, service, pipe, spans.length, traces, began);
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
  const began = { wall: performance.now(), cpu: process.cpuUsage() };
  await runWith(pipe, workload, runs, true);
  const label = `live runs, ${PROCESSING_NAMES[processing]} at its defaults, OTLP http/protobuf`;
  return finish(label, jaeger, service, pipe, runs * workload.spansPerRun, runs, began);
}
