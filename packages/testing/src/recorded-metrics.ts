/**
 * The metrics a recorder collected, as plain data with helpers for assertions:
 * `expect(metrics.tokens()).toBeLessThan(2_000)`.
 */
import { GEN_AI_METRICS, TOKEN_TYPE } from '@agents-tracing/processor';
import type { CollectedResourceMetrics } from './sdk.js';

export type MetricAttributes = Record<string, string | number | boolean>;

/** One series: a counter's total, or a histogram's count, sum and bucket counts. */
export interface MetricSeries {
  name: string;
  unit: string;
  attributes: MetricAttributes;
  /** A counter's total; a histogram's sum. */
  sum: number;
  /** A histogram's number of recordings; for a counter, the same as `sum`. */
  count: number;
  /** A histogram's bucket boundaries and counts (one more count than boundaries). */
  buckets?: { boundaries: number[]; counts: number[] };
}

/** Attribute values a series must have; a key given as `undefined` must be absent. */
export type SeriesFilter = Record<string, string | number | boolean | undefined>;

const seriesKey = (name: string, attributes: MetricAttributes) =>
  `${name}\u0000${JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)))}`;

const matches = (series: MetricSeries, filter: SeriesFilter) =>
  Object.entries(filter).every(([key, value]) => series.attributes[key] === value);

export class RecordedMetrics {
  readonly #series = new Map<string, MetricSeries>();

  /** Adds delta data points to what is already here. */
  add(batches: readonly CollectedResourceMetrics[]): void {
    for (const resource of batches) {
      for (const scope of resource.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metric.dataPoints) {
            const attributes = point.attributes as MetricAttributes;
            const key = seriesKey(metric.descriptor.name, attributes);
            const series =
              this.#series.get(key) ??
              ({ name: metric.descriptor.name, unit: metric.descriptor.unit, attributes, sum: 0, count: 0 } satisfies MetricSeries);
            this.#series.set(key, series);
            if (isHistogramValue(point.value)) {
              const value = point.value;
              series.sum += value.sum ?? 0;
              series.count += value.count;
              const counts = series.buckets?.counts ?? value.buckets.counts.map(() => 0);
              series.buckets = { boundaries: value.buckets.boundaries, counts: counts.map((c, i) => c + (value.buckets.counts[i] ?? 0)) };
            } else if (typeof point.value === 'number') {
              series.sum += point.value;
              series.count += point.value;
            }
          }
        }
      }
    }
  }

  clear(): void {
    this.#series.clear();
  }

  /** Every series, or those of one metric, optionally filtered by attributes. */
  series(name?: string, filter: SeriesFilter = {}): MetricSeries[] {
    return [...this.#series.values()].filter((s) => (name === undefined || s.name === name) && s.count > 0 && matches(s, filter));
  }

  /** A counter's total, or a histogram's sum, over the matching series. */
  sum(name: string, filter: SeriesFilter = {}): number {
    return this.series(name, filter).reduce((total, s) => total + s.sum, 0);
  }

  /** How many values a histogram recorded (a counter: its total), over the matching series. */
  count(name: string, filter: SeriesFilter = {}): number {
    return this.series(name, filter).reduce((total, s) => total + s.count, 0);
  }

  /** Tokens used by model calls: input and output, or one type. */
  tokens(filter: SeriesFilter & { type?: 'input' | 'output' } = {}): number {
    const { type, ...rest } = filter;
    return this.sum(GEN_AI_METRICS.TOKEN_USAGE.name, type ? { ...rest, [TOKEN_TYPE.KEY]: type } : rest);
  }

  /** Tool executions that failed (`error.type` set), optionally of one tool. */
  toolErrors(toolName?: string): number {
    return this.series(GEN_AI_METRICS.TOOL_DURATION.name, toolName ? { 'gen_ai.tool.name': toolName } : {})
      .filter((s) => s.attributes['error.type'] !== undefined)
      .reduce((total, s) => total + s.count, 0);
  }

  /** Guardrail evaluations that tripped, optionally of one guardrail. */
  guardrailTrips(guardrailName?: string): number {
    return this.sum(GEN_AI_METRICS.GUARDRAIL_EVALUATIONS.name, {
      'openai.agents.guardrail.triggered': true,
      ...(guardrailName ? { 'openai.agents.guardrail.name': guardrailName } : {}),
    });
  }
}

interface HistogramValue {
  sum?: number;
  count: number;
  buckets: { boundaries: number[]; counts: number[] };
}

function isHistogramValue(value: unknown): value is HistogramValue {
  return typeof value === 'object' && value !== null && 'buckets' in value && 'count' in value;
}
