/**
 * A terminal dashboard of the demo's metrics, read back from Prometheus with PromQL: tokens per
 * model, p50/p95 per operation, tool errors, guardrail trips, handoffs and failed runs.
 */
import { queryPrometheus, type PrometheusSample } from '@agents-tracing/testing';

/** The PromQL behind each panel; `$job` is the service name of the app. */
export const DASHBOARD_QUERIES = {
  tokens: 'sum by (gen_ai_request_model, gen_ai_token_type) (gen_ai_client_token_usage_sum{job="$job"})',
  modelCalls: 'sum by (gen_ai_request_model) (gen_ai_client_operation_duration_seconds_count{job="$job"})',
  chatLatency: 'histogram_quantile($q, sum by (le, gen_ai_request_model) (gen_ai_client_operation_duration_seconds_bucket{job="$job"}))',
  agentLatency: 'histogram_quantile($q, sum by (le, gen_ai_agent_name) (gen_ai_invoke_agent_duration_seconds_bucket{job="$job"}))',
  toolLatency: 'histogram_quantile($q, sum by (le, gen_ai_tool_name) (gen_ai_execute_tool_duration_seconds_bucket{job="$job"}))',
  workflowLatency: 'histogram_quantile($q, sum by (le, gen_ai_workflow_name) (gen_ai_workflow_duration_seconds_bucket{job="$job"}))',
  toolCalls: 'sum by (gen_ai_tool_name) (gen_ai_execute_tool_duration_seconds_count{job="$job"})',
  toolErrors: 'sum by (gen_ai_tool_name, error_type) (gen_ai_execute_tool_duration_seconds_count{job="$job", error_type!=""})',
  guardrails: 'sum by (openai_agents_guardrail_name, openai_agents_guardrail_triggered) (openai_agents_guardrail_evaluations_total{job="$job"})',
  handoffs: 'sum by (openai_agents_handoff_from, openai_agents_handoff_to) (openai_agents_handoffs_total{job="$job"})',
  runs: 'sum (gen_ai_workflow_duration_seconds_count{job="$job"})',
  failedRuns: 'sum (gen_ai_workflow_duration_seconds_count{job="$job", error_type!=""}) or vector(0)',
} as const;

export type DashboardPanel = keyof typeof DASHBOARD_QUERIES;

export function dashboardQuery(panel: DashboardPanel, job: string, quantile = 0.95): string {
  return DASHBOARD_QUERIES[panel].replaceAll('$job', job).replaceAll('$q', String(quantile));
}

export interface LatencyRow {
  operation: string;
  p50: number;
  p95: number;
}

export interface Dashboard {
  /** Tokens per model and type (`input`, `output`). */
  tokens: { model: string; type: string; tokens: number }[];
  modelCalls: { model: string; calls: number }[];
  latency: LatencyRow[];
  toolCalls: { tool: string; calls: number }[];
  toolErrors: { tool: string; errorType: string; errors: number }[];
  guardrails: { guardrail: string; evaluations: number; trips: number }[];
  handoffs: { from: string; to: string; count: number }[];
  runs: number;
  failedRuns: number;
}

const byLabel = (samples: PrometheusSample[], label: string) => new Map(samples.map((s) => [s.labels[label] ?? '', s.value]));

export async function readDashboard(prometheusUrl: string, job: string): Promise<Dashboard> {
  const query = (panel: DashboardPanel, quantile?: number) => queryPrometheus(prometheusUrl, dashboardQuery(panel, job, quantile));
  const latency: LatencyRow[] = [];
  const operations = [
    ['chatLatency', 'gen_ai_request_model', 'chat'],
    ['agentLatency', 'gen_ai_agent_name', 'invoke_agent'],
    ['toolLatency', 'gen_ai_tool_name', 'execute_tool'],
    ['workflowLatency', 'gen_ai_workflow_name', 'invoke_workflow'],
  ] as const;
  for (const [panel, label, operation] of operations) {
    const p50 = byLabel(await query(panel, 0.5), label);
    const p95 = byLabel(await query(panel, 0.95), label);
    for (const [name, value] of p50) latency.push({ operation: `${operation} ${name}`, p50: value, p95: p95.get(name) ?? Number.NaN });
  }
  const guardrails = new Map<string, { evaluations: number; trips: number }>();
  for (const sample of await query('guardrails')) {
    const name = sample.labels.openai_agents_guardrail_name ?? '';
    const row = guardrails.get(name) ?? { evaluations: 0, trips: 0 };
    row.evaluations += sample.value;
    if (sample.labels.openai_agents_guardrail_triggered === 'true') row.trips += sample.value;
    guardrails.set(name, row);
  }
  const single = async (panel: DashboardPanel) => (await query(panel))[0]?.value ?? 0;
  return {
    tokens: (await query('tokens')).map((s) => ({ model: s.labels.gen_ai_request_model ?? '', type: s.labels.gen_ai_token_type ?? '', tokens: s.value })),
    modelCalls: (await query('modelCalls')).map((s) => ({ model: s.labels.gen_ai_request_model ?? '', calls: s.value })),
    latency,
    toolCalls: (await query('toolCalls')).map((s) => ({ tool: s.labels.gen_ai_tool_name ?? '', calls: s.value })),
    toolErrors: (await query('toolErrors')).map((s) => ({ tool: s.labels.gen_ai_tool_name ?? '', errorType: s.labels.error_type ?? '', errors: s.value })),
    guardrails: [...guardrails].map(([guardrail, row]) => ({ guardrail, ...row })),
    handoffs: (await query('handoffs')).map((s) => ({ from: s.labels.openai_agents_handoff_from ?? '', to: s.labels.openai_agents_handoff_to ?? '', count: s.value })),
    runs: await single('runs'),
    failedRuns: await single('failedRuns'),
  };
}

const seconds = (value: number) => (Number.isFinite(value) ? `${(value * 1000).toFixed(0)} ms` : '–');

function table(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const body = rows.length === 0 ? ['  (none)'] : cells.slice(1).map((row) => `  ${line(row)}`);
  return [title, `  ${line(header)}`, ...body].join('\n');
}

/** The dashboard as text. Latency quantiles are estimated from histogram buckets, as Prometheus does. */
export function renderDashboard(dashboard: Dashboard): string {
  return [
    `runs: ${dashboard.runs}, failed: ${dashboard.failedRuns}`,
    table('tokens per model', ['model', 'type', 'tokens'], dashboard.tokens.map((r) => [r.model, r.type, r.tokens])),
    table('latency per operation (from histogram buckets)', ['operation', 'p50', 'p95'], dashboard.latency.map((r) => [r.operation, seconds(r.p50), seconds(r.p95)])),
    table('tool calls', ['tool', 'calls'], dashboard.toolCalls.map((r) => [r.tool, r.calls])),
    table('tool errors', ['tool', 'error.type', 'errors'], dashboard.toolErrors.map((r) => [r.tool, r.errorType, r.errors])),
    table('guardrails', ['guardrail', 'evaluations', 'trips'], dashboard.guardrails.map((r) => [r.guardrail, r.evaluations, r.trips])),
    table('handoffs', ['from', 'to', 'count'], dashboard.handoffs.map((r) => [r.from, r.to, r.count])),
  ].join('\n\n');
}
