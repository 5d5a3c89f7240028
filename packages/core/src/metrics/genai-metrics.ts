import { createNoopMeter, diag, metrics, ValueType, type Attributes, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { describeThrown } from '../content/bounded-json.js';
import { nearestAncestor, type OpenSpan } from '../span-registry.js';
import { BoundedValues } from './bounded-values.js';
import { GEN_AI_METRICS, type GenAiMetricKey } from './names.js';
import { metricPointsFor, type MetricPoint } from './span-metrics.js';

export interface MetricsOptions {
  /** Where the instruments are created. Default: the global meter provider, looked up as metrics are recorded. */
  meterProvider?: MeterProvider;
  /**
   * Distinct values kept per attribute (agent, tool, model, workflow, guardrail names, error
   * types); later values are recorded as `_OTHER`, so a series count stays bounded. Default 100.
   */
  maxValuesPerAttribute?: number;
}

/** `false` turns the metrics off; `true` (default) or options turn them on. */
export type MetricsOption = boolean | MetricsOptions;

const METER_NAME = '@agents-tracing/processor';
const DEFAULT_MAX_VALUES = 100;

type Instruments = Record<GenAiMetricKey, Histogram | Counter>;

interface CallCounts {
  inference: number;
  tool: number;
}

/** The instruments of the provider's meter; none when it is the API's no-op meter, which records nothing. */
function createInstruments(provider: MeterProvider): Instruments | undefined {
  const meter = provider.getMeter(METER_NAME);
  if (meter === createNoopMeter()) return undefined;
  const entries = Object.entries(GEN_AI_METRICS).map(([key, definition]) => {
    const { name, unit, description } = definition;
    const instrument =
      definition.kind === 'histogram'
        ? meter.createHistogram(name, {
            unit,
            description,
            advice: { explicitBucketBoundaries: [...definition.boundaries] },
            ...(unit === 's' ? {} : { valueType: ValueType.INT }),
          })
        : meter.createCounter(name, { unit, description, valueType: ValueType.INT });
    return [key, instrument] as const;
  });
  return Object.fromEntries(entries) as Instruments;
}

/**
 * Records the GenAI metrics of finished spans. Called from the processor's deferred finishing
 * step only, never from the SDK's callbacks; a failure is reported once and never reaches the run.
 */
export class GenAiMetrics {
  readonly #explicitProvider: MeterProvider | undefined;
  readonly #bounded: BoundedValues;
  readonly #calls = new WeakMap<OpenSpan, CallCounts>();
  #provider: MeterProvider | undefined;
  #instruments: Instruments | undefined;
  #reported = false;

  constructor(options: MetricsOptions = {}) {
    this.#explicitProvider = options.meterProvider;
    this.#bounded = new BoundedValues(Math.max(1, options.maxValuesPerAttribute ?? DEFAULT_MAX_VALUES));
  }

  /** The recorder for a processor option, or none when metrics are turned off. */
  static fromOption(option: MetricsOption | undefined): GenAiMetrics | undefined {
    if (option === false) return undefined;
    return new GenAiMetrics(typeof option === 'object' ? option : {});
  }

  /** Records what one finished span tells, with the SDK's own start and end times. */
  spanFinished(open: OpenSpan, attributes: Attributes, startedAt: string | null | undefined, endTime: number, errorType: string | undefined): void {
    try {
      const instruments = this.#currentInstruments();
      // No meter provider registered: nothing would be kept, so nothing is worked out.
      if (!instruments) return;
      const started = startedAt ? Date.parse(startedAt) : Number.NaN;
      const durationSeconds = Number.isFinite(started) ? Math.max(0, endTime - started) / 1000 : 0;
      const calls = this.#countCall(open);
      const points = metricPointsFor({ type: open.type, attributes, durationSeconds, errorType, calls });
      for (const point of points) this.#record(instruments, point);
    } catch (error) {
      if (this.#reported) return;
      this.#reported = true;
      diag.warn(`agents-tracing: recording metrics failed, the agent run goes on: ${describeThrown(error)}`);
    }
  }

  /** Counts a model or tool call on its agent invocation; for an agent, hands back its counts. */
  #countCall(open: OpenSpan): CallCounts | undefined {
    if (open.type === 'agent') {
      const counts = this.#calls.get(open) ?? { inference: 0, tool: 0 };
      this.#calls.delete(open);
      return counts;
    }
    const isModelCall = open.type === 'response' || open.type === 'generation';
    if (!isModelCall && open.type !== 'function') return undefined;
    const agent = nearestAncestor(open, 'agent');
    if (!agent) return undefined;
    let counts = this.#calls.get(agent);
    if (!counts) this.#calls.set(agent, (counts = { inference: 0, tool: 0 }));
    if (isModelCall) counts.inference += 1;
    else counts.tool += 1;
    return undefined;
  }

  /** A global meter provider registered after the processor was made is picked up here. */
  #currentInstruments(): Instruments | undefined {
    const provider = this.#explicitProvider ?? metrics.getMeterProvider();
    if (provider !== this.#provider) {
      this.#provider = provider;
      this.#instruments = createInstruments(provider);
    }
    return this.#instruments;
  }

  #record(instruments: Instruments, point: MetricPoint): void {
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(point.attributes)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        attributes[key] = this.#bounded.bound(key, value);
      }
    }
    const instrument = instruments[point.metric];
    if ('record' in instrument) instrument.record(point.value, attributes);
    else instrument.add(point.value, attributes);
  }
}
