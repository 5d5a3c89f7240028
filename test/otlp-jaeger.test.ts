/**
 * The OTLP exporter against a real Jaeger: each protocol delivers a span tree that reads back by
 * trace id, and a Jaeger that is stopped and restarted on the same ports while spans keep coming
 * still receives every span exactly once.
 */
import { context, trace, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { describe, expect, inject, it } from 'vitest';
import { createOtlpSpanExporter, type OtlpLogger, type OtlpProtocol } from '@agents-tracing/exporter-otlp';
import { startJaeger } from './servers/index.js';

interface JaegerUrls {
  otlpGrpcUrl: string;
  otlpHttpUrl: string;
  queryUrl: string;
}

/** The classic query API: `GET /api/traces/{hexTraceId}`. */
interface JaegerTrace {
  spans: { spanID: string; operationName: string; references: { refType: string; spanID: string }[]; tags: { key: string; value: unknown }[]; processID: string }[];
  processes: Record<string, { serviceName: string }>;
}

async function readTrace(queryUrl: string, traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
  if (response.status === 404) return undefined;
  const body = (await response.json()) as { data: JaegerTrace[] };
  return body.data[0];
}

/**
 * Every copy of every span Jaeger stored, by span id. The raw form skips the query service's
 * adjusters, one of which drops identical spans, so a span delivered twice shows up twice here.
 */
async function storedSpanCopies(queryUrl: string, traceId: string): Promise<Map<string, number>> {
  const copies = new Map<string, number>();
  const response = await fetch(`${queryUrl}/api/v3/traces/${traceId}?raw_traces=true`);
  if (response.status === 404) return copies;
  const body = (await response.json()) as { result: { resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[] } };
  for (const resourceSpans of body.result.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const { spanId } of scopeSpans.spans) copies.set(spanId, (copies.get(spanId) ?? 0) + 1);
    }
  }
  return copies;
}

function endpointFor(jaeger: JaegerUrls, protocol: OtlpProtocol): string {
  return protocol === 'grpc' ? jaeger.otlpGrpcUrl : jaeger.otlpHttpUrl;
}

function quietLogger(): OtlpLogger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, warn: (message) => warnings.push(message), info: (message) => infos.push(message) };
}

function providerFor(serviceName: string, processor: BatchSpanProcessor) {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [processor],
  });
}

const PROTOCOLS: OtlpProtocol[] = ['grpc', 'http/protobuf', 'http/json'];

describe.each(PROTOCOLS)('OTLP exporter to Jaeger over %s', (protocol) => {
  const jaeger = inject('jaeger');

  it('delivers a parent and its child, configured only by the standard variables', async () => {
    const logger = quietLogger();
    const exporter = createOtlpSpanExporter(
      { logger },
      // The generic endpoint: the HTTP exporter must append /v1/traces to it.
      { OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: endpointFor(jaeger, protocol) },
    );
    const serviceName = `otlp-jaeger-${protocol.replace('/', '-')}`;
    const provider = providerFor(serviceName, new BatchSpanProcessor({ exporter }));
    const tracer = provider.getTracer('otlp-jaeger-test');

    const agent = tracer.startSpan('invoke_agent Weather agent', { attributes: { 'gen_ai.agent.name': 'Weather agent' } });
    tracer
      .startSpan('execute_tool get_weather', { attributes: { 'gen_ai.tool.name': 'get_weather' } }, trace.setSpan(context.active(), agent))
      .end();
    agent.end();
    await provider.shutdown();

    const traceId = agent.spanContext().traceId;
    const read = await readTrace(jaeger.queryUrl, traceId);
    expect(read?.spans.map((span) => span.operationName).sort()).toEqual(['execute_tool get_weather', 'invoke_agent Weather agent']);
    const tool = read!.spans.find((span) => span.operationName === 'execute_tool get_weather')!;
    expect(tool.references).toEqual([expect.objectContaining({ refType: 'CHILD_OF', spanID: agent.spanContext().spanId })]);
    expect(tool.tags).toContainEqual(expect.objectContaining({ key: 'gen_ai.tool.name', value: 'get_weather' }));
    expect(read!.processes[tool.processID]?.serviceName).toBe(serviceName);
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 2, failedSpans: 0 });
    expect(logger.warnings).toEqual([]);
  });
});

describe('OTLP exporter while Jaeger restarts on the same ports', () => {
  // Both protocols rely on this package's retries: one attempt is one request.
  const protocols: OtlpProtocol[] = ['grpc', 'http/protobuf'];
  it.each(protocols)(
    'delivers every span made during the outage and after it exactly once (%s)',
    async (protocol) => {
      const jaeger = await startJaeger();
      try {
        const logger = quietLogger();
        const endpoint = protocol === 'grpc' ? jaeger.otlpGrpcUrl : `${jaeger.otlpHttpUrl}/v1/traces`;
        const exporter = createOtlpSpanExporter({ protocol, endpoint, logger }, {});
        const provider = providerFor(`otlp-jaeger-restart-${protocol.replace('/', '-')}`, new BatchSpanProcessor({ exporter: exporter, scheduledDelayMillis: 100 }));
        const tracer = provider.getTracer('otlp-jaeger-test');
        const produce = (root: Span, label: string) => {
          const parent = trace.setSpan(context.active(), root);
          let count = 0;
          const timer = setInterval(() => tracer.startSpan(`${label} ${count++}`, {}, parent).end(), 20);
          return () => {
            clearInterval(timer);
            return count;
          };
        };

        // Before the outage: delivered and read back (a restarted in-memory Jaeger forgets them).
        const before = tracer.startSpan('before the outage');
        const stopBefore = produce(before, 'before');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const madeBefore = stopBefore();
        before.end();
        await provider.forceFlush();
        expect((await storedSpanCopies(jaeger.queryUrl, before.spanContext().traceId)).size).toBe(madeBefore + 1);

        // The outage: spans keep coming while Jaeger is down for 3 s, and for 1 s after it is back.
        await jaeger.stop();
        const during = tracer.startSpan('during and after the outage');
        const stopDuring = produce(during, 'tick');
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        await jaeger.restart();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const madeDuring = stopDuring();
        during.end();
        await provider.forceFlush();

        // A batch from the outage may still be between retries: forceFlush() does not wait for it.
        const traceId = during.spanContext().traceId;
        await expect.poll(async () => (await storedSpanCopies(jaeger.queryUrl, traceId)).size, { timeout: 30_000, interval: 250 }).toBe(madeDuring + 1);
        const copies = await storedSpanCopies(jaeger.queryUrl, traceId);
        expect([...copies.values()].every((count) => count === 1)).toBe(true);
        expect(exporter.getStats()).toMatchObject({ failedSpans: 0 });
        expect(exporter.getStats().retriedSpans).toBeGreaterThan(0);
        expect(logger.warnings).toEqual([expect.stringContaining(`could not reach the OTLP endpoint ${endpoint} (connection refused)`)]);
        expect(logger.infos).toEqual([`exporting spans to the OTLP endpoint ${endpoint} works again.`]);
        await provider.shutdown();
      } finally {
        await jaeger.stop();
      }
    },
  );
});
