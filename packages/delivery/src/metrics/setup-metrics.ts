import { metrics } from '@opentelemetry/api';
import type { MetricsOption } from '@agents-tracing/processor';
import type { Resource } from '@opentelemetry/resources';
import type { DeliveryLogger } from '../pipeline/logger.js';
import { createMetricsPipeline, type MetricsPipeline } from './meter-provider.js';
import { resolveMetricsConfig } from './metrics-config.js';

export interface MetricsSetup {
  /** Set when metrics are exported from here. */
  pipeline: MetricsPipeline | undefined;
  /** What the processor is given. */
  processorOption: MetricsOption | undefined;
}

/**
 * A meter provider exporting over OTLP when `OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT` says so; the
 * app's own meter provider (given in `metrics`) or `metrics: false` wins.
 */
export function setUpMetrics(
  option: MetricsOption | undefined,
  env: NodeJS.ProcessEnv,
  resource: Resource,
  registerGlobal: boolean,
  logger: DeliveryLogger,
): MetricsSetup {
  if (option === false || (typeof option === 'object' && option.meterProvider)) return { pipeline: undefined, processorOption: option };
  const config = resolveMetricsConfig(env);
  if ('off' in config) {
    if (config.problem) logger.warn(`metrics are not exported: ${config.problem}`);
    return { pipeline: undefined, processorOption: option };
  }
  const pipeline = createMetricsPipeline(config, resource, logger);
  if (registerGlobal) metrics.setGlobalMeterProvider(pipeline.meterProvider);
  return {
    pipeline,
    processorOption: { ...(typeof option === 'object' ? option : {}), meterProvider: pipeline.meterProvider },
  };
}
