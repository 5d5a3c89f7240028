/**
 * The real backends and the readers that fetch traces back from them: a small trace sent through
 * the real OTLP exporters must read back as the same tree the in-memory exporter saw.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpHttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  TracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  buildSpanTree,
  flatSpanFromReadable,
  walkSpanTree,
  type SpanTreeNode,
} from '@agents-tracing/processor';
import {
  createMlflowExperiment,
  readJaegerTrace,
  readMlflowTrace,
} from '@agents-tracing/testing';
import { acceptsConnections } from './servers/network.js';
import { startServerProcess, waitUntilReady } from './servers/process.js';
import { startJaeger, startMlflow, startPostgres, type JaegerServer } from './servers/index.js';

const SERVICE = 'servers-test';

/**
 * Sends checkout → reserve stock → charge card through `exporter`, with every attribute type, an
 * event and an ERROR status. Returns the trace id and the tree the in-memory exporter recorded.
 */
async function sendTrace(
  exporter: SpanExporter,
): Promise<{ traceId: string; sent: SpanTreeNode[] }> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    spanProcessors: [new SimpleSpanProcessor({ exporter }), new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('servers-test');
  const root = tracer.startSpan('checkout', {
    kind: SpanKind.SERVER,
    attributes: {
      'app.user': 'ada',
      'app.items': 3,
      'app.total': 12.5,
      'app.express': true,
      'app.tags': ['gift', 'fragile'],
      'app.item_ids': [7, 9],
    },
  });
  const rootContext = trace.setSpan(context.active(), root);
  const reserve = tracer.startSpan(
    'reserve stock',
    { kind: SpanKind.CLIENT, attributes: { 'stock.warehouse': 'north' } },
    rootContext,
  );
  reserve.addEvent('stock.checked', { 'stock.available': 2, 'stock.low': false });
  const charge = tracer.startSpan(
    'charge card',
    { attributes: { 'payment.retry': false, 'payment.amount': 12.5 } },
    trace.setSpan(rootContext, reserve),
  );
  charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  charge.end();
  reserve.end();
  root.end();
  await provider.forceFlush();
  const sent = buildSpanTree(memory.getFinishedSpans().map(flatSpanFromReadable));
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, sent };
}

function spanNamed(roots: SpanTreeNode[], name: string): SpanTreeNode {
  const found = [...walkSpanTree(roots)].find(({ node }) => node.name === name);
  if (!found) throw new Error(`no span ${name}`);
  return found.node;
}

/** MLflow keeps everything but the span kind. */
function withoutKinds(roots: SpanTreeNode[]): SpanTreeNode[] {
  return roots.map((node) => ({
    ...node,
    kind: 'INTERNAL',
    children: withoutKinds(node.children),
  }));
}

describe('Jaeger', () => {
  const jaeger = inject('jaeger');

  it('returns the tree sent over OTLP/gRPC, with kinds, types, status and events', async () => {
    const { traceId, sent } = await sendTrace(new OtlpGrpcExporter({ url: jaeger.otlpGrpcUrl }));

    const read = await readJaegerTrace(jaeger.queryUrl, traceId, { expectSpans: 3 });

    expect(read.roots).toEqual(sent);
    expect(read.serviceName).toBe(SERVICE);
    const checkout = spanNamed(read.roots, 'checkout');
    expect(checkout.kind).toBe('SERVER');
    expect(checkout.attributes).toEqual({
      'app.user': 'ada',
      'app.items': 3,
      'app.total': 12.5,
      'app.express': true,
      'app.tags': ['gift', 'fragile'],
      'app.item_ids': [7, 9],
    });
    expect(spanNamed(read.roots, 'reserve stock').events).toMatchObject([
      { name: 'stock.checked', attributes: { 'stock.available': 2, 'stock.low': false } },
    ]);
    expect(spanNamed(read.roots, 'charge card').status).toEqual({
      code: 'ERROR',
      message: 'card declined',
    });
  });

  it('returns the tree sent over OTLP/HTTP', async () => {
    const { traceId, sent } = await sendTrace(
      new OtlpHttpJsonExporter({ url: `${jaeger.otlpHttpUrl}/v1/traces` }),
    );

    const read = await readJaegerTrace(jaeger.queryUrl, traceId, { expectSpans: 3 });

    expect(read.roots).toEqual(sent);
  });

  it('names what it found when the expected spans never arrive', async () => {
    const { traceId } = await sendTrace(new OtlpGrpcExporter({ url: jaeger.otlpGrpcUrl }));

    await expect(
      readJaegerTrace(jaeger.queryUrl, traceId, { expectSpans: 4, timeoutMs: 500 }),
    ).rejects.toThrow(/4 spans, has 3.*checkout, reserve stock, charge card/);
  });
});

describe('a Jaeger of its own', () => {
  let jaeger: JaegerServer;
  beforeAll(async () => {
    jaeger = await startJaeger();
  });
  afterAll(async () => {
    await jaeger?.stop();
  });

  it('restarts on the same ports with empty storage, and stops', async () => {
    const before = await sendTrace(new OtlpGrpcExporter({ url: jaeger.otlpGrpcUrl }));
    await readJaegerTrace(jaeger.queryUrl, before.traceId, { expectSpans: 3 });
    const { otlpGrpcUrl, queryUrl } = jaeger;

    await jaeger.restart();

    expect(jaeger.otlpGrpcUrl).toBe(otlpGrpcUrl);
    const lost = await fetch(`${queryUrl}/api/v3/traces/${before.traceId}`);
    expect(lost.status).toBe(404);
    const after = await sendTrace(new OtlpGrpcExporter({ url: otlpGrpcUrl }));
    const reread = await readJaegerTrace(queryUrl, after.traceId, { expectSpans: 3 });
    expect(reread.spanCount).toBe(3);

    await jaeger.stop();
    expect(await acceptsConnections(Number(new URL(otlpGrpcUrl).port))).toBe(false);
  });
});

describe('server startup', () => {
  it('fails with the tail of the log when the server exits before it is ready', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'servers-test-'));
    try {
      const script = 'echo "listen tcp: address already in use"; exit 3';
      const server = startServerProcess('sh', ['-c', script], { logFile: join(dir, 'server.log') });

      const ready = waitUntilReady(server, 'Broken server', async () => false, 10_000);

      await expect(ready).rejects.toThrow(
        /Broken server exited during startup\n--- last lines of .*server\.log ---\nlisten tcp: address/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('MLflow', () => {
  const { trackingUri } = inject('mlflow');

  it('returns the tree sent over OTLP/HTTP protobuf, less span kinds, with trace info', async () => {
    const experimentId = await createMlflowExperiment(trackingUri, `servers-test-${randomUUID()}`);
    const { traceId, sent } = await sendTrace(
      new OtlpHttpProtoExporter({
        url: `${trackingUri}/v1/traces`,
        headers: { 'x-mlflow-experiment-id': experimentId },
      }),
    );

    const read = await readMlflowTrace(trackingUri, traceId, { expectSpans: 3 });

    expect(read.roots).toEqual(withoutKinds(sent));
    expect(read.info).toMatchObject({
      mlflowTraceId: `tr-${traceId}`,
      experimentId,
      state: 'OK',
      name: 'checkout',
      tags: { 'service.name': SERVICE },
    });
  });
});

describe('MLflow on PostgreSQL', () => {
  let stopAll: () => Promise<void> = async () => {};
  let trackingUri: string;
  beforeAll(async () => {
    const postgres = await startPostgres();
    stopAll = () => postgres.stop();
    const mlflow = await startMlflow({ backendStoreUri: postgres.url });
    stopAll = async () => {
      await mlflow.stop();
      await postgres.stop();
    };
    trackingUri = mlflow.trackingUri;
  });
  afterAll(() => stopAll());

  it('stores the trace and returns it', async () => {
    const experimentId = await createMlflowExperiment(trackingUri, 'on-postgres');
    const { traceId, sent } = await sendTrace(
      new OtlpHttpProtoExporter({
        url: `${trackingUri}/v1/traces`,
        headers: { 'x-mlflow-experiment-id': experimentId },
      }),
    );

    const read = await readMlflowTrace(trackingUri, traceId, { expectSpans: 3 });

    expect(read.roots).toEqual(withoutKinds(sent));
  });
});
