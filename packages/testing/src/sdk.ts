/**
 * The recorder runs on the OpenTelemetry SDK the app already has, SDK 3 or SDK 2, so a test never
 * pulls in a second copy of the SDK. Loaded synchronously (both lines ship CommonJS builds),
 * because `recordAgentSpans()` is synchronous.
 */
import { createRequire } from 'node:module';
import type { ContextManager, TracerProvider } from '@opentelemetry/api';

export interface RecorderTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

interface ProviderOptions {
  idGenerator: unknown;
  spanProcessors: unknown[];
}

type ProviderClass = new (options: ProviderOptions) => RecorderTracerProvider;

const requireFromHere = createRequire(import.meta.url);

function tryRequire(specifier: string): Record<string, unknown> | undefined {
  try {
    return requireFromHere(specifier) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

export function loadTracerProvider(options: ProviderOptions): RecorderTracerProvider {
  // SDK 3, and SDK 2 from 2.12 on (its sdk-trace-base re-exports this package).
  const sdkTrace = tryRequire('@opentelemetry/sdk-trace');
  if (sdkTrace) return new (sdkTrace.TracerProvider as ProviderClass)(options);
  const sdk2 = tryRequire('@opentelemetry/sdk-trace-base');
  if (sdk2) return new (sdk2.BasicTracerProvider as ProviderClass)(options);
  throw new Error(
    'recordAgentSpans() needs an OpenTelemetry SDK: add @opentelemetry/sdk-trace (SDK 3) or @opentelemetry/sdk-trace-base (SDK 2) to your devDependencies.',
  );
}

export function loadContextManager(): ContextManager {
  const hooks = tryRequire('@opentelemetry/context-async-hooks');
  if (!hooks) {
    throw new Error(
      'recordAgentSpans({ registerGlobal: true }) needs @opentelemetry/context-async-hooks: add it to your devDependencies.',
    );
  }
  const Manager = hooks.AsyncLocalStorageContextManager as new () => ContextManager;
  return new Manager().enable();
}

/** Collected data, in the shape both SDK lines give (`ResourceMetrics`). */
export interface CollectedResourceMetrics {
  scopeMetrics: Array<{
    metrics: Array<{
      descriptor: { name: string; unit: string };
      dataPoints: Array<{ attributes: Record<string, unknown>; value: unknown }>;
    }>;
  }>;
}

export interface MetricsRecorder {
  readonly meterProvider: { shutdown(): Promise<void> } & import('@opentelemetry/api').MeterProvider;
  /** What was recorded since the last collection. */
  collect(): Promise<CollectedResourceMetrics[]>;
}

/** DELTA in both SDK lines' `AggregationTemporality`. */
const DELTA = 0;

/**
 * A meter provider of the app's `@opentelemetry/sdk-metrics` (SDK 3 or 2) with a reader that hands
 * out deltas, or undefined when that package is not installed.
 */
export function loadMetricsRecorder(): MetricsRecorder | undefined {
  const sdk = tryRequire('@opentelemetry/sdk-metrics');
  if (!sdk) return undefined;
  type Reader = { collect(): Promise<{ resourceMetrics: CollectedResourceMetrics; errors: unknown[] }> };
  const Base = sdk.MetricReader as new (options: object) => Reader;
  class DeltaReader extends Base {
    protected async onShutdown(): Promise<void> {}
    protected async onForceFlush(): Promise<void> {}
  }
  const reader = new DeltaReader({ aggregationTemporalitySelector: () => DELTA });
  const Provider = sdk.MeterProvider as new (options: { readers: unknown[] }) => MetricsRecorder['meterProvider'];
  const meterProvider = new Provider({ readers: [reader] });
  return {
    meterProvider,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'collecting the recorded metrics failed');
      return [resourceMetrics];
    },
  };
}
