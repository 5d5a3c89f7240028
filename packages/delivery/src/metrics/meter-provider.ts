import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { describeExportFailure, type DeliveryLogger } from '../pipeline/logger.js';
import type { MetricsExportConfig } from './metrics-config.js';

const TEMPORALITY = {
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  delta: AggregationTemporalityPreference.DELTA,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
} as const;

/** A meter provider exporting over OTLP/HTTP, and bounded ways to flush and stop it. */
export interface MetricsPipeline {
  readonly meterProvider: MeterProvider;
  /** Exports what was recorded, waiting at most `budgetMs`. Never rejects. */
  forceFlush(budgetMs: number): Promise<void>;
  /** Exports what was recorded and stops, waiting at most `budgetMs`. Never rejects. */
  shutdown(budgetMs: number): Promise<void>;
}

/** Tells the first failed export and the recovery after it, instead of one error per interval. */
function reportingFailures(exporter: PushMetricExporter, url: string, logger: DeliveryLogger): PushMetricExporter {
  let failing = false;
  return {
    export(metrics, done) {
      exporter.export(metrics, (result) => {
        if (result.error !== undefined || result.code !== 0) {
          if (!failing) {
            logger.warn(
              `metrics could not be sent to ${url} (${describeExportFailure(result.error ?? 'export failed')}); ` +
                'they are kept and sent with the next export. Check that the backend runs and accepts OTLP metrics there.',
            );
          }
          failing = true;
        } else if (failing) {
          failing = false;
          logger.info(`metrics reach ${url} again.`);
        }
        done(result);
      });
    },
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    ...(exporter.selectAggregationTemporality
      ? { selectAggregationTemporality: exporter.selectAggregationTemporality.bind(exporter) }
      : {}),
    ...(exporter.selectAggregation ? { selectAggregation: exporter.selectAggregation.bind(exporter) } : {}),
  };
}

async function withinBudget(work: Promise<unknown>, budgetMs: number, what: string, logger: DeliveryLogger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), budgetMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
    if (outcome === 'timeout') logger.warn(`${what} took longer than ${budgetMs} ms; the metrics not sent by then are lost.`);
  } catch (error) {
    logger.warn(`${what} failed (${describeExportFailure(error)}); the metrics not sent are lost.`);
  } finally {
    clearTimeout(timer);
  }
}

export function createMetricsPipeline(config: MetricsExportConfig, resource: Resource, logger: DeliveryLogger): MetricsPipeline {
  const options = {
    url: config.url,
    headers: config.headers,
    timeoutMillis: config.timeoutMillis,
    compression: config.compression,
    temporalityPreference: TEMPORALITY[config.temporality],
  } as ConstructorParameters<typeof ProtobufMetricExporter>[0];
  const exporter = config.protocol === 'http/json' ? new JsonMetricExporter(options) : new ProtobufMetricExporter(options);
  const reader = new PeriodicExportingMetricReader({
    exporter: reportingFailures(exporter, config.url, logger),
    exportIntervalMillis: config.exportIntervalMillis,
    exportTimeoutMillis: Math.min(config.exportTimeoutMillis, config.exportIntervalMillis),
  });
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  let stopped: Promise<void> | undefined;
  return {
    meterProvider,
    forceFlush: (budgetMs) => withinBudget(meterProvider.forceFlush(), budgetMs, 'flushing metrics', logger),
    shutdown(budgetMs) {
      stopped ??= withinBudget(meterProvider.shutdown(), budgetMs, 'shutting metrics down', logger);
      return stopped;
    },
  };
}
