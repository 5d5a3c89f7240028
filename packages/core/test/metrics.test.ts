import { afterEach, describe, expect, it, vi } from 'vitest';
import { metrics } from '@opentelemetry/api';
import {
  createAgentSpan,
  createFunctionSpan,
  createGuardrailSpan,
  createHandoffSpan,
  createResponseSpan,
  createTaskSpan,
  createTurnSpan,
  type Span,
  type Trace,
} from '@openai/agents-core';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BoundedValues, OTHER_VALUE } from '../src/metrics/bounded-values.js';
import { GEN_AI_METRICS } from '../src/metrics/names.js';
import { metricPointsFor } from '../src/metrics/span-metrics.js';
import type { OpenTelemetryTracingProcessorOptions } from '../src/processor.js';
import { harness } from './harness.js';

let h: ReturnType<typeof harness> | undefined;
let provider: MeterProvider | undefined;
afterEach(async () => {
  await h?.stop();
  await provider?.shutdown();
  metrics.disable();
  h = undefined;
  provider = undefined;
});

function meterProvider() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  provider = new MeterProvider({ readers: [reader] });
  const collect = async (): Promise<MetricData[]> => {
    h?.processor.processPending();
    exporter.reset();
    await reader.forceFlush();
    return exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
  };
  return { provider, collect };
}

function points(all: MetricData[], name: string) {
  const metric = all.find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as Array<{ attributes: Record<string, unknown>; value: unknown }>;
}

const histogramSum = (all: MetricData[], name: string, filter: Record<string, unknown> = {}) =>
  points(all, name)
    .filter((p) => Object.entries(filter).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + (p.value as { sum: number }).sum, 0);

const histogramCount = (all: MetricData[], name: string, filter: Record<string, unknown> = {}) =>
  points(all, name)
    .filter((p) => Object.entries(filter).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + (p.value as { count: number }).count, 0);

/** The SDK stamps start and end with the clock: a fixed clock makes the durations exact. */
const clock = (ms: number) => vi.setSystemTime(Date.UTC(2026, 0, 1) + ms);

function timed<T extends Span<any>>(span: T, from: number, to: number, mutate?: (span: T) => void): T {
  clock(from);
  span.start();
  mutate?.(span);
  clock(to);
  span.end();
  return span;
}

/** One run: an agent that calls the model twice, runs a tool that fails, checks a guardrail and hands off. */
async function oneRun(options: OpenTelemetryTracingProcessorOptions, workflow = 'Support'): Promise<Trace> {
  h ??= harness(options);
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    const trace = h.newTrace(workflow);
    await trace.start();
    clock(0);
    const task = createTaskSpan({ data: { name: 'Agent workflow' } }, trace);
    task.start();
    const agent = createAgentSpan({ data: { name: 'Helper' } }, task);
    agent.start();
    const turn = createTurnSpan({ data: { turn: 1, agent_name: 'Helper' } }, agent);
    turn.start();
    const response = (usage: object) => (s: ReturnType<typeof createResponseSpan>) => {
      s.spanData._response = { id: 'resp_abc123', model: 'gpt-x', output: [], usage } as never;
    };
    timed(createGuardrailSpan({ data: { name: 'safety', triggered: true } }, agent), 0, 10);
    timed(createResponseSpan({}, turn), 0, 250, response({ input_tokens: 100, output_tokens: 20, input_tokens_details: { cached_tokens: 40, cache_creation_tokens: 10 }, output_tokens_details: { reasoning_tokens: 5 } }));
    timed(createFunctionSpan({ data: { name: 'lookup', input: '{}' } }, turn), 250, 300, (s) =>
      s.setError({ message: 'Error running tool', data: { tool_name: 'lookup', error: 'boom' } }),
    );
    timed(createResponseSpan({}, turn), 300, 800, response({ input_tokens: 150, output_tokens: 30 }));
    timed(createHandoffSpan({ data: { from_agent: 'Helper', to_agent: 'Expert' } }, turn), 800, 801);
    clock(900);
    turn.end();
    clock(1000);
    agent.end();
    clock(1500);
    task.end();
    await trace.end();
    return trace;
  } finally {
    vi.useRealTimers();
  }
}

describe('GenAI metrics', () => {
  it('records token usage, durations, call counts, tool errors, guardrail trips and handoffs with the conventions\' names', async () => {
    const { provider, collect } = meterProvider();
    await oneRun({ metrics: { meterProvider: provider } });
    const all = await collect();

    const model = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-x' };
    expect(histogramSum(all, 'gen_ai.client.token.usage', { ...model, 'gen_ai.token.type': 'input' })).toBe(250);
    expect(histogramSum(all, 'gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' })).toBe(50);
    expect(histogramCount(all, 'gen_ai.client.token.usage')).toBe(4);
    const sumOf = (name: string) => points(all, name).reduce((s, p) => s + (p.value as number), 0);
    expect(sumOf('gen_ai.client.inference.usage.input_tokens')).toBe(250);
    expect(sumOf('gen_ai.client.inference.usage.output_tokens')).toBe(50);
    expect(sumOf('gen_ai.client.inference.usage.cache_read.input_tokens')).toBe(40);
    expect(sumOf('gen_ai.client.inference.usage.cache_write.input_tokens')).toBe(10);
    expect(sumOf('gen_ai.client.inference.usage.reasoning.output_tokens')).toBe(5);
    expect(points(all, 'gen_ai.client.inference.usage.input_tokens')[0]?.attributes['gen_ai.token.modality']).toBe('unknown');

    expect(histogramSum(all, 'gen_ai.client.operation.duration', model)).toBeCloseTo(0.75, 9);
    expect(histogramCount(all, 'gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'Helper' })).toBe(1);
    expect(histogramSum(all, 'gen_ai.invoke_agent.duration')).toBeCloseTo(1, 9);
    expect(histogramSum(all, 'gen_ai.invoke_agent.inference_calls', { 'gen_ai.agent.name': 'Helper' })).toBe(2);
    expect(histogramSum(all, 'gen_ai.invoke_agent.tool_calls', { 'gen_ai.agent.name': 'Helper' })).toBe(1);
    expect(histogramSum(all, 'gen_ai.workflow.duration', { 'gen_ai.workflow.name': 'Support' })).toBeCloseTo(1.5, 9);
    const tool = points(all, 'gen_ai.execute_tool.duration');
    expect(tool.map((p) => p.attributes)).toEqual([{ 'gen_ai.tool.name': 'lookup', 'gen_ai.tool.type': 'function', 'error.type': 'ToolCallError' }]);
    expect(points(all, 'openai.agents.guardrail.evaluations')).toEqual([
      expect.objectContaining({ attributes: { 'openai.agents.guardrail.name': 'safety', 'openai.agents.guardrail.triggered': true }, value: 1 }),
    ]);
    expect(points(all, 'openai.agents.handoffs')).toEqual([
      expect.objectContaining({ attributes: { 'openai.agents.handoff.from': 'Helper', 'openai.agents.handoff.to': 'Expert' }, value: 1 }),
    ]);
  });

  it('uses the conventions\' units and bucket boundaries', async () => {
    const { provider, collect } = meterProvider();
    await oneRun({ metrics: { meterProvider: provider } });
    const all = await collect();
    for (const definition of Object.values(GEN_AI_METRICS)) {
      const metric = all.find((m) => m.descriptor.name === definition.name);
      expect(metric, definition.name).toBeDefined();
      if (!metric) continue;
      expect(metric.descriptor.unit).toBe(definition.unit);
      if (definition.kind === 'histogram') {
        expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM);
        const value = metric.dataPoints[0]?.value as { buckets: { boundaries: number[] } };
        expect(value.buckets.boundaries).toEqual(definition.boundaries);
      }
    }
    expect(GEN_AI_METRICS.TOKEN_USAGE.boundaries.at(-1)).toBe(67108864);
    expect(GEN_AI_METRICS.OPERATION_DURATION.boundaries).toEqual([0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]);
  });

  it('never records ids or content', async () => {
    const { provider, collect } = meterProvider();
    const trace = await oneRun({ metrics: { meterProvider: provider } });
    const text = JSON.stringify((await collect()).map((m) => m.dataPoints.map((p) => p.attributes)));
    expect(text).not.toContain(trace.traceId.slice(6));
    expect(text).not.toMatch(/span_|resp_abc|boom|call_/);
  });

  it('turns off with metrics: false', async () => {
    const { provider, collect } = meterProvider();
    metrics.setGlobalMeterProvider(provider);
    await oneRun({ metrics: false });
    expect(await collect()).toEqual([]);
  });

  it('records into a global meter provider registered after the processor was made, and nothing before', async () => {
    h = harness({});
    // Before: the API's no-op provider, where nothing is recorded and the run goes on.
    await oneRun({});
    const { provider, collect } = meterProvider();
    metrics.setGlobalMeterProvider(provider);
    await oneRun({});
    expect(histogramSum(await collect(), 'gen_ai.client.token.usage')).toBe(300);
  });

  it('keeps the series count bounded when names vary per run', async () => {
    const { provider, collect } = meterProvider();
    for (let i = 0; i < 30; i += 1) await oneRun({ metrics: { meterProvider: provider, maxValuesPerAttribute: 5 } }, `ticket ${i}`);
    const workflows = points(await collect(), 'gen_ai.workflow.duration').map((p) => p.attributes['gen_ai.workflow.name']);
    expect(workflows).toHaveLength(6);
    expect(workflows).toContain(OTHER_VALUE);
  });

  it('a meter provider that throws never reaches the run', async () => {
    const throwing = { getMeter: () => { throw new Error('meter exploded'); } };
    const trace = await oneRun({ metrics: { meterProvider: throwing } });
    expect(h?.spans().some((s) => s.traceId === trace.traceId.slice(6))).toBe(true);
  });
});

describe('metric points of one span', () => {
  it('records 0 tokens for a failed model call that got no usage, and no distribution point', () => {
    const points = metricPointsFor({ type: 'response', attributes: { 'gen_ai.request.model': 'm' }, durationSeconds: 1, errorType: 'timeout' });
    expect(points.map((p) => [p.metric, p.value])).toEqual([
      ['OPERATION_DURATION', 1],
      ['INPUT_TOKENS', 0],
      ['OUTPUT_TOKENS', 0],
    ]);
    expect(points[0]?.attributes['error.type']).toBe('timeout');
  });

  it('records nothing for spans without a metric (turns, custom spans)', () => {
    expect(metricPointsFor({ type: 'turn', attributes: {}, durationSeconds: 1 })).toEqual([]);
    expect(metricPointsFor({ type: 'custom', attributes: {}, durationSeconds: 1 })).toEqual([]);
  });

  it('bounds distinct values per key and drops values too long to be names', () => {
    const bounded = new BoundedValues(2);
    expect(['a', 'b', 'c', 'a'].map((v) => bounded.bound('k', v))).toEqual(['a', 'b', OTHER_VALUE, 'a']);
    expect(bounded.bound('other', 'x'.repeat(500))).toBe(OTHER_VALUE);
  });
});
