/**
 * The GenAI metrics in a real Prometheus: the demo runs with `setupAgentTracing()` configured by
 * the standard variables (traces to Jaeger, metrics over OTLP to Prometheus), and what PromQL
 * reads back over Prometheus' HTTP API equals what the traces in Jaeger say, and what the
 * in-memory recorder records. Then 1,000 concurrent runs, named so that a careless
 * implementation would make a series per run, keep the series count bounded.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run, setTracingDisabled, withTrace } from '@openai/agents';
import { setupAgentTracing } from '@agents-tracing/delivery';
import { OTHER_VALUE, walkSpanTree, type FlatSpan, type SpanTreeNode } from '@agents-tracing/processor';
import {
  prometheusSeries,
  readJaegerTrace,
  recordAgentSpans,
  waitForPrometheus,
} from '@agents-tracing/testing';
import {
  DEMO_PROMPTS,
  buildDemoAgents,
  dashboardQuery,
  readDashboard,
  runDemo,
  startDemoMcpServer,
  startDemoModel,
  type Dashboard,
} from '@agents-tracing/example-multi-agent';
import { startPrometheus, type PrometheusServer } from './servers/prometheus.js';
import type { ScriptConfig } from './support/delivery-agent-script.js';
import { startScript } from './support/delivery-child.js';

const jaeger = inject('jaeger');
const DEMO_RUNS = 2;
const CONCURRENT_RUNS = 1_000;

/** The alert rules docs/metrics.md gives: loaded into the Prometheus of these tests. */
const ALERT_RULES = readFileSync(new URL('../docs/metrics.md', import.meta.url), 'utf8').match(/<!-- alert-rules -->\n```yaml\n([\s\S]*?)```/)?.[1];

let prometheus: PrometheusServer;
beforeAll(async () => {
  prometheus = await startPrometheus({ rules: ALERT_RULES ? [ALERT_RULES] : [] });
});
afterAll(async () => {
  await prometheus?.stop();
});

function quietLogger() {
  const warnings: string[] = [];
  return { warnings, warn: (m: string) => warnings.push(m), info: () => {} };
}

/** What a trace says, counted the way the dashboard counts it. */
interface Totals {
  tokens: Map<string, number>;
  modelCalls: Map<string, number>;
  toolCalls: Map<string, number>;
  toolErrors: Map<string, number>;
  guardrailEvaluations: Map<string, number>;
  guardrailTrips: Map<string, number>;
  handoffs: Map<string, number>;
  runs: number;
  failedRuns: number;
}

const emptyTotals = (): Totals => ({
  tokens: new Map(),
  modelCalls: new Map(),
  toolCalls: new Map(),
  toolErrors: new Map(),
  guardrailEvaluations: new Map(),
  guardrailTrips: new Map(),
  handoffs: new Map(),
  runs: 0,
  failedRuns: 0,
});

const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

function addSpan(totals: Totals, span: FlatSpan): void {
  const a = span.attributes;
  switch (a['openai.agents.span.type']) {
    case 'response':
    case 'generation': {
      const model = String(a['gen_ai.request.model']);
      bump(totals.modelCalls, model);
      bump(totals.tokens, `${model} input`, Number(a['gen_ai.usage.input_tokens'] ?? 0));
      bump(totals.tokens, `${model} output`, Number(a['gen_ai.usage.output_tokens'] ?? 0));
      break;
    }
    case 'function':
      bump(totals.toolCalls, String(a['gen_ai.tool.name']));
      if (a['error.type'] !== undefined) bump(totals.toolErrors, `${String(a['gen_ai.tool.name'])} ${String(a['error.type'])}`);
      break;
    case 'guardrail':
      bump(totals.guardrailEvaluations, String(a['openai.agents.guardrail.name']));
      if (a['openai.agents.guardrail.triggered'] === true) bump(totals.guardrailTrips, String(a['openai.agents.guardrail.name']));
      break;
    case 'handoff':
      bump(totals.handoffs, `${String(a['openai.agents.handoff.from'])} → ${String(a['openai.agents.handoff.to'])}`);
      break;
    case 'task':
      totals.runs += 1;
      if (a['error.type'] !== undefined) totals.failedRuns += 1;
      break;
  }
}

function totalsOfTrees(roots: SpanTreeNode[], totals = emptyTotals()): Totals {
  for (const { node } of walkSpanTree(roots)) addSpan(totals, node);
  return totals;
}

/** The dashboard in the same shape, to compare with one `toEqual`. */
function totalsOfDashboard(d: Dashboard): Totals {
  const totals = emptyTotals();
  for (const r of d.tokens) bump(totals.tokens, `${r.model} ${r.type}`, r.tokens);
  for (const r of d.modelCalls) bump(totals.modelCalls, r.model, r.calls);
  for (const r of d.toolCalls) bump(totals.toolCalls, r.tool, r.calls);
  for (const r of d.toolErrors) bump(totals.toolErrors, `${r.tool} ${r.errorType}`, r.errors);
  for (const r of d.guardrails) {
    bump(totals.guardrailEvaluations, r.guardrail, r.evaluations);
    if (r.trips > 0) bump(totals.guardrailTrips, r.guardrail, r.trips);
  }
  for (const r of d.handoffs) bump(totals.handoffs, `${r.from} → ${r.to}`, r.count);
  totals.runs = d.runs;
  totals.failedRuns = d.failedRuns;
  return totals;
}

const sorted = (totals: Totals) =>
  Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v instanceof Map ? Object.fromEntries([...v].sort()) : v]));

describe('GenAI metrics in Prometheus', () => {
  it('takes the alert rules of docs/metrics.md', async () => {
    expect(ALERT_RULES).toBeDefined();
    const response = await fetch(`${prometheus.url}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> } };
    const rules = body.data.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name)).toEqual(['AgentToolErrorRateHigh', 'AgentTurnSlow', 'AgentRunsFailing', 'GuardrailTripSpike', 'TokenBudgetExceeded']);
    expect(rules.every((r) => r.health !== 'err')).toBe(true);
  });

  it('equal the numbers in the traces (read from Jaeger) and in the in-memory recorder', { timeout: 120_000 }, async () => {
    const serviceName = `metrics-demo-${Date.now()}`;
    const logger = quietLogger();
    const tracing = await setupAgentTracing({
      serviceName,
      printTrees: false,
      file: false,
      logger,
      env: {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${jaeger.otlpHttpUrl}/v1/traces`,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: prometheus.otlpMetricsUrl,
        // Only the flush at shutdown exports: the numbers in Prometheus are those of the runs.
        OTEL_METRIC_EXPORT_INTERVAL: '3600000',
      },
    });
    setTracingDisabled(false);
    const model = await startDemoModel('responses', {});
    const mcp = await startDemoMcpServer();
    const traceIds: string[] = [];
    try {
      const agents = buildDemoAgents(model.model, mcp.server);
      for (let i = 0; i < DEMO_RUNS; i += 1) traceIds.push(...(await runDemo(agents)).map((r) => r.traceId.slice(6)));
    } finally {
      await mcp.close();
      await model.close();
      await tracing.shutdown();
    }
    expect(tracing.meterProvider).toBeDefined();
    expect(logger.warnings).toEqual([]);

    const fromTraces = emptyTotals();
    for (const hex of traceIds) totalsOfTrees((await readJaegerTrace(jaeger.queryUrl, hex, { settle: 300 })).roots, fromTraces);
    expect(fromTraces.runs).toBeGreaterThan(0);

    await waitForPrometheus(prometheus.url, dashboardQuery('runs', serviceName), (s) => s[0]?.value === fromTraces.runs);
    const dashboard = await readDashboard(prometheus.url, serviceName);
    expect(sorted(totalsOfDashboard(dashboard))).toEqual(sorted(fromTraces));
    // What the demo is built to show is there: a failing tool, a tripwire, handoffs.
    expect(fromTraces.toolErrors.size).toBeGreaterThan(0);
    expect(fromTraces.guardrailTrips.size).toBeGreaterThan(0);
    expect(fromTraces.failedRuns).toBe(DEMO_RUNS);
    // A histogram quantile of the workflow durations lies within the span durations' range.
    const workflowP95 = dashboard.latency.find((r) => r.operation.startsWith('invoke_workflow'))?.p95;
    expect(workflowP95).toBeGreaterThan(0);

    // The in-memory recorder: the same run, the same numbers, in traces and metrics alike.
    const recorder = recordAgentSpans();
    const inMemoryModel = await startDemoModel('responses', {});
    const inMemoryMcp = await startDemoMcpServer();
    try {
      const agents = buildDemoAgents(inMemoryModel.model, inMemoryMcp.server);
      for (let i = 0; i < DEMO_RUNS; i += 1) await runDemo(agents);
      const metrics = await recorder.metrics();
      const fromRecordedTraces = totalsOfTrees(recorder.tree());
      expect(sorted(fromRecordedTraces)).toEqual(sorted(fromTraces));
      for (const [key, tokens] of fromTraces.tokens) {
        const [requestModel, type] = key.split(' ') as [string, 'input' | 'output'];
        expect(metrics.tokens({ type, 'gen_ai.request.model': requestModel })).toBe(tokens);
      }
      for (const [key, errors] of fromTraces.toolErrors) expect(metrics.toolErrors(key.split(' ')[0])).toBe(errors);
      for (const [name, trips] of fromTraces.guardrailTrips) expect(metrics.guardrailTrips(name)).toBe(trips);
      expect(metrics.count('gen_ai.workflow.duration')).toBe(fromTraces.runs);
    } finally {
      await inMemoryMcp.close();
      await inMemoryModel.close();
      await recorder.stop();
    }
  });

  it(`keep the series count bounded over ${CONCURRENT_RUNS} concurrent runs with a name per run`, { timeout: 180_000 }, async () => {
    const serviceName = `metrics-cardinality-${Date.now()}`;
    const tracing = await setupAgentTracing({
      serviceName,
      printTrees: false,
      file: false,
      logger: quietLogger(),
      env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: prometheus.otlpMetricsUrl, OTEL_METRIC_EXPORT_INTERVAL: '3600000' },
    });
    setTracingDisabled(false);
    const model = await startDemoModel('responses', {});
    try {
      const agents = buildDemoAgents(model.model);
      // A workflow name per run, as a careless app would write it: "Ticket #123".
      await Promise.all(
        Array.from({ length: CONCURRENT_RUNS }, (_, i) => withTrace(`Ticket #${i}`, () => run(agents.triage, DEMO_PROMPTS.weather))),
      );
    } finally {
      await model.close();
      await tracing.shutdown();
    }
    await waitForPrometheus(prometheus.url, `sum(gen_ai_workflow_duration_seconds_count{job="${serviceName}"})`, (s) => (s[0]?.value ?? 0) >= CONCURRENT_RUNS);
    const series = await prometheusSeries(prometheus.url, `{job="${serviceName}", __name__=~"gen_ai_.*|openai_agents_.*"}`);
    const workflowNames = new Set(series.map((s) => s.gen_ai_workflow_name).filter((n) => n !== undefined));
    console.log(`${CONCURRENT_RUNS} concurrent runs: ${series.length} series in Prometheus, ${workflowNames.size} workflow names`);
    // 100 names are kept per attribute, the rest are _OTHER; no series per run.
    expect(workflowNames.size).toBe(101);
    expect(workflowNames.has(OTHER_VALUE)).toBe(true);
    expect(series.length).toBeLessThan(2_000);
  });
});

describe('GenAI metrics on every exit path', () => {
  // The app never calls shutdown(): the Agents SDK's exit hooks and ours flush the metrics.
  const ends: ScriptConfig['end'][] = ['natural', 'wait', 'throw', 'reject'];
  it.each(ends)('reach Prometheus when the process ends (%s)', { timeout: 60_000 }, async (end) => {
    const serviceName = `metrics-exit-${end}-${Date.now()}`;
    const config: ScriptConfig = { otlpEndpoint: `${jaeger.otlpHttpUrl}/v1/traces`, serviceName, runs: 3, end };
    const child = startScript('./delivery-agent-script.ts', [], {
      env: {
        DELIVERY_SCRIPT_CONFIG: JSON.stringify(config),
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: prometheus.otlpMetricsUrl,
        OTEL_METRIC_EXPORT_INTERVAL: '3600000',
      },
    });
    if (end === 'wait') {
      await child.waitFor(/^waiting$/m, 30_000);
      child.process.kill('SIGTERM');
    }
    await child.exited;
    expect(child.matches(/^run (\w+) trace_[0-9a-f]{32}$/m)).toHaveLength(3);
    // Three demo conversations: weather, travel (with the agent used as a tool), injection.
    const runs = await waitForPrometheus(prometheus.url, `sum(gen_ai_workflow_duration_seconds_count{job="${serviceName}"})`, (s) => s.length > 0, { timeoutMs: 10_000 });
    expect(runs[0]?.value).toBe(4);
  });
});

describe('GenAI metrics when the metrics backend is down or wrong', () => {
  it.each([
    ['down', 'http://127.0.0.1:9/v1/metrics'],
    ['not an OTLP endpoint (Jaeger has no metrics pipeline)', `${jaeger.otlpHttpUrl}/v1/metrics`],
  ])('never fail or stall the run, and say what to check (%s)', { timeout: 60_000 }, async (_, endpoint) => {
    const logger = quietLogger();
    const tracing = await setupAgentTracing({
      serviceName: 'metrics-backend-down',
      printTrees: false,
      file: false,
      logger,
      delivery: { flushTimeoutMillis: 2_000 },
      env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '1000' },
    });
    setTracingDisabled(false);
    const model = await startDemoModel('responses', {});
    try {
      const results = await runDemo(buildDemoAgents(model.model));
      expect(results.map((r) => r.name)).toEqual(['weather', 'travel', 'injection']);
    } finally {
      await model.close();
      const began = Date.now();
      await tracing.shutdown();
      expect(Date.now() - began).toBeLessThan(4_000);
    }
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(`metrics could not be sent to ${endpoint}`);
    expect(logger.warnings[0]).toContain('Check that the backend runs');
    expect(logger.warnings[0]).not.toMatch(/\n\s+at /);
  });
});
