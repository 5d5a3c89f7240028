/**
 * Delivery is at least once on the wire: a batch whose export timed out may have arrived, and is
 * sent again; a process killed before it recorded an acknowledgement sends its spool again. What
 * the backends make of a span that arrives twice decides what a user sees:
 * - Jaeger (v2, memory store) stores every copy; its query API returns identical copies once,
 *   but copies that differ in content all come back.
 * - MLflow (3.17, SQL store) keeps one row per (trace, span id): the last copy wins.
 * A span sent again by the delivery pipeline or read back from the spool is the same span, byte
 * for byte, so both backends show it exactly once.
 */
import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ExportResultCode } from '@opentelemetry/core';
import { setTracingDisabled } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOtlpSpanExporter } from '@agents-tracing/exporter-otlp';
import { createMlflowSpanExporter } from '@agents-tracing/exporter-mlflow';
import { decodeSpan, encodeSpan, setupAgentTracing } from '@agents-tracing/delivery';
import { createMlflowExperiment, readJaegerTrace, readMlflowTrace, type ReadTrace } from '@agents-tracing/testing';
import { buildDemoAgents, runDemoConversation, startDemoModel } from '@agents-tracing/example-multi-agent';

const jaeger = inject('jaeger');
const mlflow = inject('mlflow');

function send(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(spans, (result) =>
      result.code === ExportResultCode.SUCCESS ? resolve() : reject(result.error ?? new Error('export failed')),
    ),
  );
}

/** The same spans as the spool gives them back to a later process. */
const fromSpool = (spans: ReadableSpan[]): ReadableSpan[] => {
  const shared = new Map();
  return spans.map((span) => decodeSpan(JSON.parse(JSON.stringify(encodeSpan(span))), shared));
};

/** The same ids with different content: what a buggy sender could produce. */
const altered = (span: ReadableSpan): ReadableSpan => ({ ...span, spanContext: span.spanContext, attributes: { ...span.attributes, 'test.copy': 'second' } });

const spanIds = (trace: ReadTrace): string[] => {
  const ids: string[] = [];
  const walk = (nodes: ReadTrace['roots']): void => {
    for (const node of nodes) {
      ids.push(node.spanId);
      walk(node.children);
    }
  };
  walk(trace.roots);
  return ids;
};

describe('a span that reaches a backend more than once', () => {
  let spans: ReadableSpan[];
  let traceId: string;
  let otlp: SpanExporter;
  let toMlflow: SpanExporter;

  beforeAll(async () => {
    const memory = new InMemorySpanExporter();
    const tracing = await setupAgentTracing({ exporters: [memory], serviceName: 'delivery-duplicates' });
    setTracingDisabled(false);
    const model = await startDemoModel('responses', {});
    const result = await runDemoConversation(buildDemoAgents(model.model), 'weather', false);
    await tracing.forceFlush();
    traceId = result.traceId.slice('trace_'.length);
    // Read before shutdown: an in-memory exporter forgets its spans when shut down.
    spans = memory.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    await tracing.shutdown();
    await model.close();
    otlp = createOtlpSpanExporter({ endpoint: `${jaeger.otlpHttpUrl}/v1/traces`, retry: false }, {});
    const experimentId = await createMlflowExperiment(mlflow.trackingUri, `delivery-duplicates-${randomUUID()}`);
    toMlflow = createMlflowSpanExporter({ trackingUri: mlflow.trackingUri, experimentId });
  });
  afterAll(async () => {
    await Promise.all([otlp.shutdown(), toMlflow.shutdown()]);
  });

  it('is shown once by Jaeger and MLflow when the copies are the same span (resent, or read back from the spool)', async () => {
    await send(otlp, spans);
    await send(otlp, spans);
    await send(otlp, fromSpool(spans));
    await send(toMlflow, spans);
    await send(toMlflow, fromSpool(spans));

    const [inJaeger, inMlflow] = await Promise.all([
      readJaegerTrace(jaeger.queryUrl, traceId, { expectSpans: spans.length, settle: 500 }),
      readMlflowTrace(mlflow.trackingUri, traceId, { expectSpans: spans.length, settle: 500 }),
    ]);
    for (const trace of [inJaeger, inMlflow]) {
      expect(trace.spanCount).toBe(spans.length);
      expect(new Set(spanIds(trace)).size).toBe(spans.length);
    }
  });

  it('is kept twice by Jaeger but once (the last copy) by MLflow when the copies differ', async () => {
    const root = spans.find((s) => s.parentSpanContext === undefined)!;
    await send(otlp, [altered(root)]);
    await send(toMlflow, [altered(root)]);

    const inJaeger = await readJaegerTrace(jaeger.queryUrl, traceId, { expectSpans: spans.length + 1 });
    expect(inJaeger.spanCount).toBe(spans.length + 1);

    const inMlflow = await readMlflowTrace(mlflow.trackingUri, traceId, { settle: 500 });
    expect(inMlflow.spanCount).toBe(spans.length);
    const mlflowRoot = inMlflow.roots.find((r) => r.spanId === root.spanContext().spanId);
    expect(mlflowRoot?.attributes['test.copy']).toBe('second');
  });
});
