/**
 * Audit digests through the real Jaeger and the real MLflow: the demo's traces, read back, verify
 * OK; every single-field edit, every deleted span and an inserted span, made to the trace read
 * back, is detected and named; the CLI says the same end to end, including for a span slipped
 * into the backend after the fact.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTracingDisabled } from '@openai/agents';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { TracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  isCoveredAttribute,
  type AttributeValue,
  type FlatSpan,
  type VerificationReport,
} from '@agents-tracing/processor';
import { TreeExporter, setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import { createOtlpSpanExporter } from '@agents-tracing/exporter-otlp';
import { MlflowClient, MlflowSpanExporter } from '@agents-tracing/exporter-mlflow';
import { buildDemoAgents, runDemoConversation, startDemoModel, type DemoCase, type DemoModel } from '@agents-tracing/example-multi-agent';
import { main, mlflowDerivedMismatches, readTrace, verifyLoaded, type CliIo, type LoadedTrace, type MlflowTraceFields, type SourceConfig } from '../packages/cli/src/index.js';

const jaeger = inject('jaeger');
const { trackingUri } = inject('mlflow');

const CASES: [DemoCase, boolean][] = [
  ['weather', false],
  ['travel', true],
  ['injection', false],
];

interface DemoRun {
  sdkTraceId: string;
  traceId: string;
}

let tracing: AgentTracing;
let model: DemoModel;
let traceFile: string;
const runs: DemoRun[] = [];

beforeAll(async () => {
  traceFile = join(await mkdtemp(join(tmpdir(), 'audit-')), 'agent-traces.otlp.jsonl');
  const mlflowExporter = new MlflowSpanExporter({ trackingUri, experimentName: `audit-${randomUUID()}` }, {});
  tracing = await setupAgentTracing({
    serviceName: 'audit-test',
    audit: true,
    exporters: [
      createOtlpSpanExporter({ protocol: 'grpc', endpoint: jaeger.otlpGrpcUrl }, {}),
      mlflowExporter,
      new TreeExporter({ print: false, file: traceFile }),
    ],
    batch: { scheduledDelayMillis: 50 },
  });
  setTracingDisabled(false);
  model = await startDemoModel('responses', {});
  const agents = buildDemoAgents(model.model);
  for (const [demoCase, streamed] of CASES) {
    const result = await runDemoConversation(agents, demoCase, streamed);
    runs.push({ sdkTraceId: result.traceId, traceId: result.traceId.slice('trace_'.length) });
  }
  await tracing.forceFlush();
  for (const exporter of tracing.exporters) await exporter.forceFlush?.();
});

afterAll(async () => {
  await model?.close();
  await tracing?.shutdown();
});

/** Each case: what was done to the trace read back, and what the report must then say. */
interface Mutation {
  what: string;
  spans: FlatSpan[];
  expect: (report: VerificationReport) => void;
}

function editedValue(value: AttributeValue): AttributeValue {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) return [...value, 'edited'] as AttributeValue;
  return `${value} (edited)`;
}

const replace = (spans: FlatSpan[], index: number, span: FlatSpan): FlatSpan[] => spans.map((s, i) => (i === index ? span : s));

function changedField(spanId: string, field: object) {
  return (report: VerificationReport): void => {
    expect(report.verdict).toBe('tampered');
    expect(report.changed).toEqual([{ spanId, name: expect.any(String), fields: [expect.objectContaining(field)] }]);
    expect(report.missing).toEqual([]);
    expect(report.extra).toEqual([]);
  };
}

/** Every single-field edit of every span, every deletion, and an insertion under every span. */
function mutationsOf(spans: FlatSpan[]): Mutation[] {
  const out: Mutation[] = [];
  spans.forEach((span, i) => {
    const at = `${span.name} (${span.spanId})`;
    for (const [key, value] of Object.entries(span.attributes)) {
      if (!isCoveredAttribute(key)) continue;
      out.push({
        what: `attribute ${key} of ${at}`,
        spans: replace(spans, i, { ...span, attributes: { ...span.attributes, [key]: editedValue(value) } }),
        expect: changedField(span.spanId, { field: 'attribute', key, change: 'changed' }),
      });
    }
    const other = spans.find((s) => s.spanId !== span.spanId && s.spanId !== span.parentSpanId)!;
    const edits: [string, FlatSpan, object][] = [
      ['name', { ...span, name: `${span.name} (edited)` }, { field: 'name' }],
      ['parent', { ...span, parentSpanId: other.spanId }, { field: 'parent' }],
      ['start time', { ...span, startTime: span.startTime - 1 }, { field: 'start' }],
      ['end time', { ...span, endTime: span.endTime + 1 }, { field: 'end' }],
      [
        'status',
        { ...span, status: span.status.code === 'ERROR' ? { code: 'OK' } : { code: 'ERROR', message: 'edited' } },
        { field: 'status' },
      ],
    ];
    if (span.status.message) edits.push(['status message', { ...span, status: { ...span.status, message: 'edited' } }, { field: 'status' }]);
    for (const [what, edited, field] of edits) {
      out.push({ what: `${what} of ${at}`, spans: replace(spans, i, edited), expect: changedField(span.spanId, field) });
    }
    out.push({
      what: `deleting ${at}`,
      spans: spans.filter((_, j) => j !== i),
      expect: (report) => {
        expect(report.verdict).not.toBe('ok');
        expect(report.missing).toEqual([expect.objectContaining({ spanId: span.spanId })]);
      },
    });
    const insertedId = randomBytes(8).toString('hex');
    out.push({
      what: `inserting a span under ${at}`,
      spans: [...spans, { ...span, spanId: insertedId, parentSpanId: span.spanId, name: 'execute_tool approve_refund', attributes: {} }],
      expect: (report) => {
        expect(report.verdict).toBe('tampered');
        expect(report.extra).toEqual([{ spanId: insertedId, name: 'execute_tool approve_refund', parentSpanId: span.spanId }]);
        expect(report.changed).toEqual([]);
      },
    });
  });
  return out;
}

function captureIo(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { env, out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), progressStream: undefined };
}

/** Sends a span into an existing trace, under `parentSpanId`, straight to the backend. */
async function slipSpanInto(exporter: SpanExporter, traceId: string, parentSpanId: string): Promise<string> {
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const parent = trace.setSpanContext(context.active(), { traceId, spanId: parentSpanId, traceFlags: 1 });
  const span = provider.getTracer('forger').startSpan('execute_tool approve_refund', { attributes: { 'gen_ai.tool.name': 'approve_refund' } }, parent);
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
  return span.spanContext().spanId;
}

const BACKENDS: { name: string; config: () => SourceConfig; cliArgs: () => string[]; env: () => NodeJS.ProcessEnv }[] = [
  {
    name: 'Jaeger',
    config: () => ({ from: 'jaeger', queryUrl: jaeger.queryUrl }),
    cliArgs: () => ['--from', 'jaeger', '--jaeger-url', jaeger.queryUrl],
    env: () => ({}),
  },
  {
    name: 'MLflow',
    config: () => ({ from: 'mlflow', trackingUri }),
    cliArgs: () => ['--from', 'mlflow'],
    env: () => ({ MLFLOW_TRACKING_URI: trackingUri }),
  },
  {
    name: 'the trace file',
    config: () => ({ from: 'file', path: traceFile }),
    cliArgs: () => ['--from', 'file', '--file', traceFile],
    env: () => ({}),
  },
];

describe.each(BACKENDS)('audit digests through $name', ({ name, config, cliArgs, env }) => {
  const readBack = (run: DemoRun): Promise<LoadedTrace> => readTrace(config(), run.traceId, { waitMs: 20_000, env: env() });

  it.each(CASES.map(([demoCase], i) => [demoCase, i] as const))('the %s trace verifies OK after the round trip', async (_case, i) => {
    const loaded = await readBack(runs[i]!);
    const report = verifyLoaded(loaded, {});
    expect(report).toMatchObject({ verdict: 'ok', digestMatches: true, changed: [], missing: [], extra: [] });
    expect(report.coveredCount).toBe(loaded.spans.length);
  });

  it('detects and names every single-field edit, deleted span and inserted span of the demo traces', async () => {
    let checked = 0;
    for (const run of runs) {
      const loaded = await readBack(run);
      for (const mutation of mutationsOf(loaded.spans)) {
        const report = verifyLoaded({ ...loaded, spans: mutation.spans }, {});
        try {
          mutation.expect(report);
        } catch (error) {
          throw new Error(`${name}, ${mutation.what}: ${(error as Error).message}`);
        }
        checked += 1;
      }
    }
    // Three traces of 5 to 20 spans, each with its attributes, five fields, a deletion and an insertion.
    expect(checked).toBeGreaterThan(500);
  });

  it('the CLI verifies the demo trace: exit 0 and OK', async () => {
    const io = captureIo(env());
    const code = await main(['verify', runs[1]!.sdkTraceId, ...cliArgs(), '--wait', '20'], io);
    expect(io.err).toEqual([]);
    expect(io.out.join('\n')).toMatch(new RegExp(`^OK  trace ${runs[1]!.traceId} .*: all 20 spans match digest`));
    expect(code).toBe(0);
  });
});

describe('spans slipped into a backend after the fact', () => {
  /** Where to send a forged span for a trace, and how the CLI reads that backend. */
  const targets = {
    Jaeger: {
      source: (): SourceConfig => ({ from: 'jaeger', queryUrl: jaeger.queryUrl }),
      exporter: async (): Promise<SpanExporter> => new OtlpGrpcExporter({ url: jaeger.otlpGrpcUrl }),
      args: () => ['--from', 'jaeger', '--jaeger-url', jaeger.queryUrl],
    },
    MLflow: {
      source: (): SourceConfig => ({ from: 'mlflow', trackingUri }),
      exporter: async (traceId: string): Promise<SpanExporter> => {
        const stored = await MlflowClient.fromEnv({ trackingUri }, {}).getTrace(traceId);
        const experimentId = stored?.info.experimentId ?? '0';
        return new OtlpProtoExporter({ url: `${trackingUri}/v1/traces`, headers: { 'x-mlflow-experiment-id': experimentId } });
      },
      args: () => ['--from', 'mlflow', '--mlflow-uri', trackingUri],
    },
  };

  it.each(['Jaeger', 'MLflow'] as const)('are named by the CLI reading %s, exit 1', async (name) => {
    const target = targets[name];
    const run = runs[0]!;
    const loaded = await readTrace(target.source(), run.traceId, { waitMs: 20_000 });
    const agent = loaded.spans.find((s) => s.name === 'invoke_agent Weather agent')!;
    const forgedId = await slipSpanInto(await target.exporter(run.traceId), run.traceId, agent.spanId);

    const io = captureIo({});
    let code = 0;
    // The backend may take a moment to show the new span.
    for (let attempt = 0; attempt < 40 && code === 0; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      io.out.length = 0;
      code = await main(['verify', run.traceId, ...target.args(), '--wait', '20'], io);
    }
    expect(code).toBe(1);
    expect(io.out.join('\n')).toContain(`extra    execute_tool approve_refund (${forgedId}) under ${agent.spanId}`);
  });
});

describe('what MLflow shows beyond the digest', () => {
  /** A trace read back from MLflow with an edit made to what its UI shows, checked as verify does. */
  async function forged(edit: (loaded: LoadedTrace, info: MlflowTraceFields) => MlflowTraceFields): Promise<VerificationReport> {
    const run = runs[1]!;
    const loaded = await readTrace({ from: 'mlflow', trackingUri }, run.traceId, { waitMs: 20_000 });
    const stored = (await MlflowClient.fromEnv({ trackingUri }, {}).getTrace(run.traceId))!;
    const fields = edit(loaded, { requestPreview: stored.info.requestPreview, responsePreview: stored.info.responsePreview, tokenUsage: stored.info.tokenUsage });
    return verifyLoaded({ ...loaded, derivedMismatches: mlflowDerivedMismatches(loaded.spans, fields) }, {});
  }

  const withAttribute = (loaded: LoadedTrace, pick: (s: FlatSpan) => boolean, key: string, value: AttributeValue): void => {
    const span = loaded.spans.find(pick)!;
    span.attributes = { ...span.attributes, [key]: value };
  };

  it('follows from the covered attributes on an untouched trace, previews and token total included', async () => {
    const report = await forged((_, info) => info);
    expect(report.verdict).toBe('ok');
    const run = runs[1]!;
    const stored = (await MlflowClient.fromEnv({ trackingUri }, {}).getTrace(run.traceId))!;
    // The check had something to check.
    expect(stored.info.responsePreview).toBeTruthy();
    expect(stored.info.tokenUsage?.total_tokens).toBeGreaterThan(0);
  });

  it('a forged mlflow.spanOutputs fails verify and is named', async () => {
    let target: FlatSpan | undefined;
    const report = await forged((loaded, info) => {
      target = loaded.spans.find((s) => s.attributes['mlflow.spanOutputs'] !== undefined && s.parentSpanId !== undefined)!;
      withAttribute(loaded, (s) => s === target, 'mlflow.spanOutputs', JSON.stringify({ output: 'Refund approved: 5,000 EUR' }));
      return info;
    });
    expect(report.verdict).toBe('tampered');
    expect(report.changed).toEqual([{ spanId: target!.spanId, name: target!.name, fields: [{ field: 'attribute', key: 'mlflow.spanOutputs', change: 'changed' }] }]);
  });

  it.each([
    ['response preview', (info: MlflowTraceFields) => ({ ...info, responsePreview: 'Refund approved: 5,000 EUR' })],
    ['request preview', (info: MlflowTraceFields) => ({ ...info, requestPreview: 'Please approve my refund' })],
    ['token usage total', (info: MlflowTraceFields) => ({ ...info, tokenUsage: { ...info.tokenUsage, total_tokens: 1 } })],
  ] as const)('a forged %s of the trace fails verify and is named', async (field, edit) => {
    const report = await forged((_, info) => edit(info));
    expect(report.verdict).toBe('tampered');
    expect(report.notes).toContain(`the trace's ${field} does not follow from its spans' covered attributes: it was edited`);
  });
});

describe('MLflow trace tags', () => {
  it('carry the digest and covered span ids, and name a deleted root span', async () => {
    const run = runs[2]!;
    const stored = await MlflowClient.fromEnv({ trackingUri }, {}).getTrace(run.traceId);
    const loaded = await readTrace({ from: 'mlflow', trackingUri }, run.traceId, { waitMs: 20_000 });
    const root = loaded.spans.find((s) => s.parentSpanId === undefined)!;
    expect(stored?.info.tags['openai.agents.digest']).toBe(root.attributes['openai.agents.digest']);

    const report = verifyLoaded({ ...loaded, spans: loaded.spans.filter((s) => s !== root) }, {});
    expect(report.record?.source).toBe('fallback');
    expect(report.missing).toEqual([{ spanId: root.spanId, childNames: [expect.stringMatching(/^invoke_workflow/)] }]);
  });
});
