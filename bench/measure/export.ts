import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { OpenTelemetryTracingProcessor } from '@agents-tracing/processor';
import { createOtlpSpanExporter, type OtlpProtocol } from '@agents-tracing/exporter-otlp';
import { setTraceProcessors, setTracingDisabled } from '@openai/agents';
import { InMemorySpanExporter, type BufferConfig, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { pipeline, type Pipeline } from '../configs/index.js';
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

async function finish(
  label: string,
  jaeger: JaegerEndpoints,
  service: string,
  pipe: Pipeline,
  produced: number,
  traces: number,
  began: number,
): Promise<ExportMeasurement> {
  await pipe.provider.forceFlush();
  const seconds = (performance.now() - began) / 1000;
  const stored = await awaitSpansInJaeger(jaeger.queryUrl, service, produced, traces + 10);
  await pipe.provider.shutdown();
  return { label, produced, exported: pipe.sink.exported, stored, seconds, spansPerSecond: stored / seconds };
}

/**
 * Export capacity: recorded spans handed to a batch span processor (queue sized for the burst,
 * default batch size) as fast as it takes them, until Jaeger has acknowledged the last batch.
 */
export async function measureExportPipeline(
  jaeger: JaegerEndpoints,
  workload: RunWorkload,
  runs: number,
  protocol: OtlpProtocol,
): Promise<ExportMeasurement> {
  const service = uniqueService(`export-${protocol.replace('/', '-')}`);
  const spans = await recordSpans(workload, runs, service);
  const batch: BufferConfig = { maxQueueSize: spans.length };
  const pipe = pipeline(otlpExporter(jaeger, protocol), 'batch', { serviceName: service, batch });
  const began = performance.now();
  for (const span of spans) pipe.spanProcessor.onEnd(span);
  return finish(`export pipeline, OTLP ${protocol}`, jaeger, service, pipe, spans.length, runs, began);
}

/**
 * Live: agent runs back to back with our processor on a batch span processor at its default
 * settings, exporting to Jaeger while they run; the clock stops when the last span is acknowledged.
 */
export async function measureLiveExport(
  jaeger: JaegerEndpoints,
  workload: RunWorkload,
  runs: number,
): Promise<ExportMeasurement> {
  const service = uniqueService('live');
  const pipe = pipeline(otlpExporter(jaeger, 'http/protobuf'), 'batch', { serviceName: service });
  const began = performance.now();
  await runWith(pipe, workload, runs, true);
  return finish('live runs, default batch settings, OTLP http/protobuf', jaeger, service, pipe, runs * workload.spansPerRun, runs, began);
}
