import type { ConfigId } from '../configs/index.js';
import type { ExportMeasurement } from '../measure/export.js';
import type { Spread } from '../measure/stats.js';
import type { ConversationResult, RunResult } from './analyse.js';
import type { Environment } from './environment.js';
import type { TargetCheck } from './targets.js';

export interface HeapRow {
  config: ConfigId;
  label: string;
  /** Bytes held per `spans` open spans, above the no-op processor. */
  bytes: number;
  spans: number;
}

export interface Accounting {
  config: ConfigId;
  expected: number;
  delivered: number;
}

export interface Report {
  environment: Environment;
  command: string;
  transport: string;
  date: string;
  durationSeconds: number;
  /** 1-minute load average when the run began and ended: other work on the machine shows here. */
  loadAverage: { start: number; end: number };
  targets: TargetCheck[];
  runs: RunResult[];
  conversation: ConversationResult | undefined;
  heap: HeapRow[] | undefined;
  exports: ExportMeasurement[];
  exportNote: string | undefined;
  accounting: Accounting[];
}

const table = (headers: string[], rows: string[][]): string =>
  [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const ms = (s: Spread) => `${fixed(s.median, 3)} (${fixed(s.p25, 3)}–${fixed(s.p75, 3)})`;
const us = (s: Spread | undefined) => (s ? `${fixed(s.median, 1)} (${fixed(s.p25, 1)}–${fixed(s.p75, 1)})` : '—');
const usValue = (v: number | undefined) => (v === undefined ? '—' : fixed(v, 1));
const ratio = (v: number) => `${fixed(v, 2)}×`;
const count = (v: number) => Math.round(v).toLocaleString('en-US');
const verdict = (pass: boolean | undefined) => (pass === undefined ? 'not measured' : pass ? '**pass**' : '**FAIL**');

function runSection(result: RunResult): string {
  const rows = result.rows.map((row) => [
    row.label,
    ms(row.cpuPerRunMs),
    ms(row.wallPerRunMs),
    ratio(row.ratioToNoop),
    us(row.processorPerSpanUs),
    us(row.inlinePerSpanUs),
    us(row.overheadPerSpanUs),
  ]);
  return [
    `### (${result.workload}) ${result.title}`,
    '',
    `${result.spansPerRun} spans a run; ${result.samples} samples of ${result.runsPerSample} runs per configuration.`,
    '',
    table(
      [
        'configuration',
        'CPU ms per run (p25–p75)',
        'wall ms per run (p25–p75)',
        '× no-op',
        'processor time per span, µs (p25–p75)',
        'of it inline, in callbacks',
        'end to end, CPU − no-op',
      ],
      rows,
    ),
  ].join('\n');
}

type PerSpan = 'overheadPerSpanUs' | 'processorPerSpanUs';

function perSpanOf(rows: readonly { config: ConfigId; overheadPerSpanUs?: Spread; processorPerSpanUs?: Spread }[], config: ConfigId, key: PerSpan) {
  return rows.find((r) => r.config === config)?.[key]?.median;
}

function peerSection(runs: readonly RunResult[], conversation: ConversationResult | undefined): string {
  const share = (ours: number | undefined, peer: number | undefined) =>
    ours === undefined || peer === undefined || peer <= 0 ? '—' : fixed(ours / peer, 2);
  const shares = (label: string, rows: RunResult['rows'] | ConversationResult['rows']) => [
    label,
    ...(['processorPerSpanUs', 'overheadPerSpanUs'] as const).flatMap((key) =>
      (['arize', 'braintrust'] as const).map((peer) => share(perSpanOf(rows, 'ours', key), perSpanOf(rows, peer, key))),
    ),
  ];
  const rows = runs.map((r) => shares(`(${r.workload})`, r.rows));
  if (conversation) rows.push(shares(`(${conversation.workload})`, conversation.rows));
  return [
    '## Ours against the peers',
    '',
    "Overhead per span of ours (simple + in-memory) divided by the peer's, same run: below 1 means ours costs less.",
    '',
    table(
      ['workload', 'processor time: ÷ Arize', '÷ Braintrust', 'end to end: ÷ Arize', '÷ Braintrust'],
      rows,
    ),
    '',
    "Processor time includes converting each model call's messages, system instructions and tool definitions into the GenAI conventions' format (and agents' and workflows' input and output), done in the processor's deferred finishing step, never in the SDK's callbacks.",
  ].join('\n');
}

function metricsSection(runs: readonly RunResult[]): string {
  const over = (rows: RunResult['rows'], config: ConfigId, key: PerSpan) => {
    const on = perSpanOf(rows, config, key);
    const off = perSpanOf(rows, 'ours-metrics-off', key);
    return on === undefined || off === undefined || off <= 0 ? '—' : fixed(on / off, 2);
  };
  const rows = runs.map((r) => [
    `(${r.workload})`,
    over(r.rows, 'ours-metrics', 'processorPerSpanUs'),
    over(r.rows, 'ours-metrics', 'overheadPerSpanUs'),
    over(r.rows, 'ours', 'processorPerSpanUs'),
  ]);
  return [
    '## Metrics on against off',
    '',
    'Overhead per span of ours with GenAI metrics recorded into an SDK meter provider, and into the global (no-op) one, divided by ours with `metrics: false`, same run: 1 means the metrics cost nothing measurable.',
    '',
    table(['workload', 'processor time: SDK meters ÷ off', 'end to end: SDK meters ÷ off', 'processor time: no-op meters ÷ off'], rows),
  ].join('\n');
}

function contentSection(runs: readonly RunResult[]): string {
  const over = (rows: RunResult['rows'], key: PerSpan) => {
    const on = perSpanOf(rows, 'ours', key);
    const off = perSpanOf(rows, 'ours-content-off', key);
    return on === undefined || off === undefined || off <= 0 ? '—' : fixed(on / off, 2);
  };
  const added = (rows: RunResult['rows']) => {
    const on = perSpanOf(rows, 'ours', 'processorPerSpanUs');
    const off = perSpanOf(rows, 'ours-content-off', 'processorPerSpanUs');
    return on === undefined || off === undefined ? '—' : usValue(on - off);
  };
  const rows = runs.map((r) => [
    `(${r.workload})`,
    over(r.rows, 'processorPerSpanUs'),
    added(r.rows),
    over(r.rows, 'overheadPerSpanUs'),
  ]);
  return [
    '## Content on against off',
    '',
    "Overhead per span of ours recording content (the default: messages converted into the GenAI conventions' format, bounded and scrubbed) divided by ours with `captureContent: false`, same run, and the processor time it adds: what recording the conversation costs.",
    '',
    table(['workload', 'processor time: content ÷ off', 'processor time added per span, µs', 'end to end: content ÷ off'], rows),
  ].join('\n');
}

function conversationSection(result: ConversationResult): string {
  const w = result.window;
  const late = `${result.turns - w + 1}–${result.turns}`;
  const rows = result.rows.map((row) => [
    row.label,
    ms(row.cpuMs),
    ratio(row.ratioToNoop),
    usValue(row.early?.processorUs),
    usValue(row.late?.processorUs),
    row.early && row.late ? ratio(row.late.processorUs / row.early.processorUs) : '—',
    usValue(row.early?.overheadUs),
    usValue(row.late?.overheadUs),
    us(row.processorPerSpanUs),
    us(row.overheadPerSpanUs),
  ]);
  return [
    `### (${result.workload}) ${result.title}`,
    '',
    `${result.spansPerTurn} spans a turn, all turns in one trace; ${result.samples} conversations per configuration. ` +
      "A window's figure is the median over its turns of each turn's median over the conversations.",
    '',
    table(
      [
        'configuration',
        'CPU ms per conversation (p25–p75)',
        '× no-op',
        `processor time per turn, µs: turns 1–${w}`,
        `turns ${late}`,
        'late ÷ early',
        `end to end per turn, µs: turns 1–${w}`,
        `turns ${late}`,
        'per span, µs: processor time (p25–p75)',
        'end to end (p25–p75)',
      ],
      rows,
    ),
  ].join('\n');
}

function heapSection(rows: readonly HeapRow[]): string {
  const spans = rows[0]?.spans ?? 0;
  return [
    `## Heap per ${count(spans)} spans in flight`,
    '',
    `Heap held (after full collections) while ${count(spans)} spans are open and never end, above what the no-op ` +
      'processor holds for the same SDK spans.',
    '',
    table(
      ['configuration', 'MB held', 'bytes per open span'],
      rows.map((r) => [r.label, fixed(r.bytes / 1e6, 2), count(r.bytes / r.spans)]),
    ),
  ].join('\n');
}

function exportSection(rows: readonly ExportMeasurement[], note: string | undefined): string {
  const lines = ['## Export into Jaeger', ''];
  if (rows.length === 0) return [...lines, note ?? 'Not measured.'].join('\n');
  lines.push(
    'Spans per second stored in a local Jaeger (in-memory storage, same machine), counted back through its query API. ' +
      'CPU seconds here: what this process spent meanwhile; the rest of the wall time it waited on Jaeger (which shares the 2 cores).',
    '',
    table(
      ['measurement', 'spans produced', 'acknowledged', 'stored in Jaeger', 'seconds', 'CPU seconds here', 'spans/s'],
      rows.map((r) => [
        r.label,
        count(r.produced),
        count(r.exported),
        count(r.stored),
        fixed(r.seconds, 2),
        fixed(r.cpuSeconds, 2),
        count(r.spansPerSecond),
      ]),
    ),
  );
  if (note) lines.push('', note);
  return lines.join('\n');
}

const METHOD = `## Method

Run \`pnpm bench\` (about 5 minutes on 2 cores; writes this page), \`pnpm bench --quick\` (about 1.5 minutes;
prints only), \`--no-jaeger\` to leave the export out, \`--transport=http\` for the loopback cross-check, or
\`pnpm bench --profile [--config=<id>]\` for a CPU profile of each workload, summarised by self time.

- Every run goes through the SDK's real \`run()\`. The model is the SDK's own \`OpenAIResponsesModel\` with only its
  HTTP call replaced by an in-process scripted answer (\`_fetchResponse\` overridden): the request is still built, and
  the \`response\` spans are opened and filled (\`_input\`, \`_response\`) by the SDK's model class, so span counts and
  span contents are those of a real run, without loopback HTTP noise. \`--transport=http\` runs the same workloads
  against the scripted OpenAI server over loopback as a cross-check.
- Configurations are interleaved in one process: after a warm-up, each round runs one sample of every configuration
  in a shuffled order, with a garbage collection before each sample. Medians with p25–p75 are reported.
- Times are CPU time of the process (\`process.cpuUsage\`), wall time shown beside it: on a shared machine wall time
  also counts the time other processes held the cores.
- Processor time = time inside the processor's callbacks (what the SDK waits for) plus the event-loop turns right
  after each run or turn, where work a processor defers with \`setImmediate\` runs (apps do I/O between steps, so
  it runs there in them too); every configuration, the no-op included, is timed the same way and the no-op's is taken
  off. Measured directly around the processor, it stays readable where the SDK's own cost dwarfs the difference, as
  in (c) and (d): the targets are judged on it.
- End to end = (configuration − no-op) CPU time ÷ spans per run, from samples paired within a round: it also counts
  the garbage a processor leaves behind, but carries the SDK's noise (negative values are noise).
- Spans per run is what our processor emits (the SDK's spans plus the trace's root), the same divisor for every
  configuration; Arize drops \`task\` and \`turn\` spans and Braintrust writes log rows, so they emit fewer, but
  handle the same SDK spans.
- The no-op processor returns a shared resolved promise from every callback: what remains is the SDK's own cost.
- Zero model latency makes every ratio to no-op a worst case: with a real model, each turn waits hundreds of
  milliseconds on the network.
- Batching pipelines are never flushed between samples: their exports fall inside timed samples as in an app
  (the batch span processor exports inline once 512 spans are queued).`;

export function renderReport(report: Report): string {
  const env = report.environment;
  const versions = Object.entries(env.packages).map(([name, version]) => `\`${name}\` ${version}`).join(', ');
  const targets = table(
    ['target', 'measured', 'result'],
    report.targets.map((t) => [t.target, t.measured, verdict(t.pass)]),
  );
  const accounting = report.accounting.length
    ? `Span accounting: ${report.accounting.map((a) => `${a.config} delivered ${count(a.delivered)} of ${count(a.expected)} spans`).join('; ')}.`
    : '';
  return [
    '# Benchmarks',
    '',
    `Cost of tracing OpenAI Agents SDK runs, measured with \`${report.command}\` on ${report.date}` +
      ` (${Math.round(report.durationSeconds)} s, model transport: ${report.transport}).`,
    '',
    `Machine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, Node ${env.node}, ${env.platform}` +
      `${env.commit ? `, commit ${env.commit}` : ''}; load average ${fixed(report.loadAverage.start, 1)} at the start, ` +
      `${fixed(report.loadAverage.end, 1)} at the end. Packages: ${versions}.`,
    '',
    '## Targets',
    '',
    targets,
    '',
    '## Time per run',
    '',
    ...report.runs.flatMap((r) => [runSection(r), '']),
    ...(report.conversation ? [conversationSection(report.conversation), ''] : []),
    peerSection(report.runs, report.conversation),
    '',
    metricsSection(report.runs),
    '',
    contentSection(report.runs),
    '',
    ...(report.heap ? [heapSection(report.heap), ''] : []),
    exportSection(report.exports, report.exportNote),
    '',
    accounting,
    '',
    METHOD,
    '',
  ].join('\n');
}
