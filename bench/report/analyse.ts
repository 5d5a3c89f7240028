import type { ConfigId, TracingConfig } from '../configs/index.js';
import type { Cost } from '../measure/clock.js';
import type { ConversationMeasurement } from '../measure/conversation.js';
import type { RunMeasurement } from '../measure/runs.js';
import { median, pairedDifferences, scaleSpread, spread, type Spread } from '../measure/stats.js';

const BASELINE: ConfigId = 'noop';
const isBaseline = (id: ConfigId) => id === 'noop' || id === 'disabled';

const cpu = (costs: readonly Cost[]) => costs.map((c) => c.cpuMs);
const wall = (costs: readonly Cost[]) => costs.map((c) => c.wallMs);
const inCallbacks = (costs: readonly Cost[]) => costs.map((c) => c.callbackMs);
const inProcessor = (costs: readonly Cost[]) => costs.map((c) => c.callbackMs + c.deferredMs);
const shift = (s: Spread, by: number): Spread => ({ median: s.median - by, p25: s.p25 - by, p75: s.p75 - by });

export interface RunRow {
  config: ConfigId;
  label: string;
  wallPerRunMs: Spread;
  cpuPerRunMs: Spread;
  /** CPU time per run ÷ the no-op's. */
  ratioToNoop: number;
  /** (config − no-op) CPU time per span, µs, from samples paired within a round. */
  overheadPerSpanUs: Spread | undefined;
  /** Time inside the processor's callbacks per span, µs, above the no-op's: what the SDK waits for. */
  inlinePerSpanUs: Spread | undefined;
  /** Callbacks plus the work they deferred to the next event-loop turns, per span, µs, above the no-op's. */
  processorPerSpanUs: Spread | undefined;
}

export interface RunResult {
  workload: string;
  title: string;
  spansPerRun: number;
  runsPerSample: number;
  samples: number;
  rows: RunRow[];
}

export function analyseRuns(m: RunMeasurement, configs: readonly TracingConfig[]): RunResult {
  const noop = m.perRun.get(BASELINE) ?? [];
  const perSpanUs = 1000 / m.workload.spansPerRun;
  const noopCallback = median(inCallbacks(noop));
  const noopProcessor = median(inProcessor(noop));
  const rows = configs.map((config): RunRow => {
    const samples = m.perRun.get(config.id) ?? [];
    const baseline = isBaseline(config.id);
    return {
      config: config.id,
      label: config.label,
      wallPerRunMs: spread(wall(samples)),
      cpuPerRunMs: spread(cpu(samples)),
      ratioToNoop: median(cpu(samples)) / median(cpu(noop)),
      overheadPerSpanUs: baseline ? undefined : scaleSpread(spread(pairedDifferences(cpu(samples), cpu(noop))), perSpanUs),
      inlinePerSpanUs: baseline ? undefined : scaleSpread(shift(spread(inCallbacks(samples)), noopCallback), perSpanUs),
      processorPerSpanUs: baseline ? undefined : scaleSpread(shift(spread(inProcessor(samples)), noopProcessor), perSpanUs),
    };
  });
  return {
    workload: m.workload.id,
    title: m.workload.title,
    spansPerRun: m.workload.spansPerRun,
    runsPerSample: m.runsPerSample,
    samples: noop.length,
    rows,
  };
}

export interface TurnWindow {
  /** Callbacks plus deferred work per turn, µs, above the no-op's. */
  processorUs: number;
  /** (config − no-op) CPU time per turn, µs. */
  overheadUs: number;
}

export interface ConversationRow {
  config: ConfigId;
  label: string;
  /** CPU milliseconds for the whole conversation. */
  cpuMs: Spread;
  ratioToNoop: number;
  early: TurnWindow | undefined;
  late: TurnWindow | undefined;
  /** Over the whole conversation, per span, µs. */
  overheadPerSpanUs: Spread | undefined;
  processorPerSpanUs: Spread | undefined;
}

export interface ConversationResult {
  workload: string;
  title: string;
  turns: number;
  spansPerTurn: number;
  /** Turns taken at each end, e.g. 1–20 and 181–200. */
  window: number;
  samples: number;
  rows: ConversationRow[];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

const processorMs = (c: Cost | undefined) => (c ? c.callbackMs + c.deferredMs : Number.NaN);

/** Per turn in [from, to): the median over samples; then the median over those turns, in µs. */
function windowOf(samples: Cost[][], noop: Cost[][], from: number, to: number): TurnWindow {
  const processor: number[] = [];
  const overhead: number[] = [];
  for (let turn = from; turn < to; turn++) {
    const own = median(samples.map((s) => processorMs(s[turn])).filter(Number.isFinite));
    const base = median(noop.map((s) => processorMs(s[turn])).filter(Number.isFinite));
    processor.push(own - base);
    const diffs = samples.map((s, i) => (s[turn]?.cpuMs ?? Number.NaN) - (noop[i]?.[turn]?.cpuMs ?? Number.NaN));
    overhead.push(median(diffs.filter(Number.isFinite)));
  }
  return { processorUs: median(processor) * 1000, overheadUs: median(overhead) * 1000 };
}

export function analyseConversation(m: ConversationMeasurement, configs: readonly TracingConfig[]): ConversationResult {
  const { turns, spansPerTurn } = m.workload;
  const window = Math.max(1, Math.min(20, Math.floor(turns / 4)));
  const noop = m.turns.get(BASELINE) ?? [];
  const total = (samples: Cost[][], pick: (c: Cost) => number) => samples.map((s) => sum(s.map(pick)));
  const noopCpu = total(noop, (c) => c.cpuMs);
  const noopProcessor = median(total(noop, processorMs));
  const perSpanUs = 1000 / (turns * spansPerTurn + 1);
  const rows = configs.map((config): ConversationRow => {
    const samples = m.turns.get(config.id) ?? [];
    const cpuTotals = total(samples, (c) => c.cpuMs);
    const baseline = isBaseline(config.id);
    return {
      config: config.id,
      label: config.label,
      cpuMs: spread(cpuTotals),
      ratioToNoop: median(cpuTotals) / median(noopCpu),
      early: baseline ? undefined : windowOf(samples, noop, 0, window),
      late: baseline ? undefined : windowOf(samples, noop, turns - window, turns),
      overheadPerSpanUs: baseline ? undefined : scaleSpread(spread(pairedDifferences(cpuTotals, noopCpu)), perSpanUs),
      processorPerSpanUs: baseline
        ? undefined
        : scaleSpread(shift(spread(total(samples, processorMs)), noopProcessor), perSpanUs),
    };
  });
  return { workload: m.workload.id, title: m.workload.title, turns, spansPerTurn, window, samples: noop.length, rows };
}
