/**
 * The bad-content corpus (a 10 MB tool result, binary, lone surrogates, huge JSON, a thrown
 * string, values JSON cannot hold) goes all the way: through the spool and into the real Jaeger
 * and MLflow, which accept every span of every trace.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool, withCustomSpan, withTrace } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOtlpSpanExporter } from '@agents-tracing/exporter-otlp';
import { createMlflowSpanExporter } from '@agents-tracing/exporter-mlflow';
import { setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import { createMlflowExperiment, readJaegerTrace, readMlflowTrace, startScriptedOpenAI, type ScriptedOpenAI } from '@agents-tracing/testing';
import { expectExactlyOnce } from './support/delivery-assertions.js';

const jaeger = inject('jaeger');
const mlflow = inject('mlflow');

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

const RESULTS: Record<string, () => string> = {
  huge: () => 'x'.repeat(10_000_000),
  binary: () => Buffer.from([0xff, 0xfe, 0x00, 0x80]).toString('latin1'),
  surrogates: () => 'lone \ud800 and \udfff',
  json_huge: () => JSON.stringify({ rows: Array.from({ length: 200_000 }, (_, i) => ({ i })) }),
};

describe('bad content exported to the real backends', () => {
  const memory = new InMemorySpanExporter();
  let tracing: AgentTracing;
  let server: ScriptedOpenAI;
  let agent: Agent;

  beforeAll(async () => {
    const experimentId = await createMlflowExperiment(mlflow.trackingUri, `bad-content-${randomUUID()}`);
    tracing = await setupAgentTracing({
      serviceName: 'delivery-bad-content',
      exporters: [
        createOtlpSpanExporter({ endpoint: `${jaeger.otlpHttpUrl}/v1/traces`, retry: false }, {}),
        createMlflowSpanExporter({ trackingUri: mlflow.trackingUri, experimentId }),
        memory,
      ],
      spoolDir: mkdtempSync(join(tmpdir(), 'agents-tracing-bad-content-')),
      delivery: { scheduledDelayMillis: 50, flushTimeoutMillis: 30_000 },
    });
    setTracingDisabled(false);
    server = await startScriptedOpenAI((request) =>
      request.toolCalls.some((c) => c.output !== undefined)
        ? { text: `done ${request.lastUserText ?? ''}` }
        : { toolCalls: [{ name: 'produce', arguments: { kind: request.lastUserText ?? '' } }] },
    );
    const produce = tool({
      name: 'produce',
      description: 'Produces a value.',
      parameters: z.object({ kind: z.string() }),
      execute: async ({ kind }) => {
        if (kind === 'throws_non_error') throw 'a string, not an Error';
        return RESULTS[kind]?.() ?? kind;
      },
    });
    agent = new Agent({
      name: 'Producer',
      instructions: 'Produce.',
      tools: [produce],
      model: new OpenAIResponsesModel(new OpenAI({ baseURL: server.baseURL, apiKey: 'test' }), 'm'),
    });
  });
  afterAll(async () => {
    await tracing.shutdown();
    await server.close();
  });

  it('is accepted by Jaeger and MLflow: every span of every trace, none refused', async () => {
    const traceIds: string[] = [];
    for (const kind of [...Object.keys(RESULTS), 'throws_non_error']) {
      await withTrace(`bad content: ${kind}`, async (trace) => {
        traceIds.push(trace.traceId.slice('trace_'.length));
        await run(agent, kind);
      });
    }
    await withTrace(
      'bad content: odd metadata',
      async (trace) => {
        traceIds.push(trace.traceId.slice('trace_'.length));
        await withCustomSpan(async () => {}, {
          data: { name: 'odd data', data: { circular: circular(), big: 10n ** 30n, sym: Symbol('s'), fn: () => 1, buf: new Uint8Array(1e6) } },
        });
      },
      { metadata: { circular: circular(), big: 1n } },
    );
    await tracing.forceFlush();

    for (const hex of traceIds) {
      const spans = memory.getFinishedSpans().filter((s) => s.spanContext().traceId === hex).length;
      expect(spans).toBeGreaterThan(1);
      expectExactlyOnce(await readJaegerTrace(jaeger.queryUrl, hex, { expectSpans: spans }), spans);
      expectExactlyOnce(await readMlflowTrace(mlflow.trackingUri, hex, { expectSpans: spans }), spans);
    }
    for (const stats of Object.values(tracing.stats().exporters)) {
      expect(stats).toMatchObject({ dropped: 0, pending: 0, exported: memory.getFinishedSpans().length });
      expect(stats.spooled).toBe(stats.exported);
    }
  });
});
