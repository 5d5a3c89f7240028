import type { ConfigId } from '../configs/index.js';
import type { ExportMeasurement } from '../measure/export.js';
import type { ConversationResult, RunResult } from './analyse.js';

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined: not measured in this run. */
  pass: boolean | undefined;
}

export const EXPORT_TARGET_SPANS_PER_SECOND = 20_000;
/** "Flat" for the long conversation: late turns cost at most this much more than early ones. */
export const FLAT_TOLERANCE = 1.5;

const us = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(1)} µs`);

function row(results: readonly RunResult[], workload: string, config: ConfigId) {
  return results.find((r) => r.workload === workload)?.rows.find((r) => r.config === config);
}

function quarterOfArize(results: readonly RunResult[], workload: string): TargetCheck {
  const ours = row(results, workload, 'ours');
  const arize = row(results, workload, 'arize');
  const oursMs = ours?.processorPerSpanUs?.median;
  const arizeMs = arize?.processorPerSpanUs?.median;
  return {
    target: `(${workload}) hot-path overhead per span ≤ ¼ of Arize's`,
    measured:
      `processor time: ours ${us(oursMs)}, Arize ${us(arizeMs)}; ` +
      `end to end: ours ${us(ours?.overheadPerSpanUs?.median)}, Arize ${us(arize?.overheadPerSpanUs?.median)}`,
    pass: oursMs === undefined || arizeMs === undefined ? undefined : oursMs <= arizeMs / 4,
  };
}

export function checkTargets(
  runs: readonly RunResult[],
  conversation: ConversationResult | undefined,
  exports: readonly ExportMeasurement[],
): TargetCheck[] {
  const checks = [quarterOfArize(runs, 'a'), quarterOfArize(runs, 'b')];

  const a = row(runs, 'a', 'ours')?.processorPerSpanUs?.median;
  const c = row(runs, 'c', 'ours')?.processorPerSpanUs?.median;
  checks.push({
    target: '(c) overhead per span ≤ 2 × (a)',
    measured: `processor time: (c) ${us(c)}, (a) ${us(a)}`,
    pass: a === undefined || c === undefined ? undefined : c <= 2 * a,
  });

  const talk = conversation?.rows.find((r) => r.config === 'ours');
  const early = talk?.early?.processorUs;
  const late = talk?.late?.processorUs;
  checks.push({
    target: `(d) overhead per turn flat: last turns ≤ ${FLAT_TOLERANCE} × first turns`,
    measured: conversation
      ? `processor time per turn: turns 1–${conversation.window} ${us(early)}, ` +
        `turns ${conversation.turns - conversation.window + 1}–${conversation.turns} ${us(late)}`
      : 'not measured',
    pass: early === undefined || late === undefined ? undefined : late <= FLAT_TOLERANCE * early,
  });

  const exportTarget = `export ≥ ${EXPORT_TARGET_SPANS_PER_SECOND.toLocaleString('en-US')} spans/s into Jaeger, none lost`;
  if (exports.length === 0) checks.push({ target: exportTarget, measured: 'not measured (no Jaeger)', pass: undefined });
  for (const e of exports) {
    checks.push({
      target: `${exportTarget}: ${e.label}`,
      measured: `${Math.round(e.spansPerSecond).toLocaleString('en-US')} spans/s, ${e.stored} of ${e.produced} stored`,
      pass: e.spansPerSecond >= EXPORT_TARGET_SPANS_PER_SECOND && e.stored === e.produced,
    });
  }
  return checks;
}
