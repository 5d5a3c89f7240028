import { join } from 'node:path';
import { addTraceProcessor, setTraceProcessors } from '@openai/agents-core';
import { diag } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { installExitHooks } from './exit-hooks.js';
import { DeliverySpanProcessor } from './pipeline/delivery-span-processor.js';
import type { BatchSettings, DeliveryOptions } from './pipeline/options.js';
import { registerGlobally } from './register-globally.js';
import { sumDeliveryCounts, type DeliveryStats } from './pipeline/stats.js';
import { Spool } from './spool/spool.js';
import { describeExportFailure, silentDeliveryLogger, stderrDeliveryLogger, type DeliveryLogger } from './pipeline/logger.js';
import {
  AgentsIdGenerator,
  OpenTelemetryTracingProcessor,
  type OpenTelemetryTracingProcessorOptions,
} from '@agents-tracing/processor';
import {
  loadMlflow,
  loadOtlp,
  mlflowEnvConfigured,
  otlpEnvConfigured,
  type ExporterSettings,
} from './exporters.js';
import { TreeExporter } from './tree-exporter.js';
import { setUpMetrics, type MetricsPipeline } from './metrics/index.js';
import { DEFAULT_DELIVERY_OPTIONS } from './pipeline/options.js';

export const DEFAULT_SERVICE_NAME = 'agents-app';
export const DEFAULT_TRACE_FILE = 'traces/agent-traces.otlp.jsonl';
export const SPOOL_DIR_ENV = 'AGENTS_TRACING_SPOOL_DIR';

export interface SetupAgentTracingOptions
  extends Omit<OpenTelemetryTracingProcessorOptions, 'tracerProvider' | 'onShutdown'> {
  /** `service.name` of the spans. Default: `OTEL_SERVICE_NAME`, else "agents-app". */
  serviceName?: string;
  /** Exporters to use, instead of choosing from the environment. */
  exporters?: SpanExporter[];
  /**
   * Send over OTLP (Jaeger, a collector): `true` or exporter settings. Default: when
   * `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set.
   */
  otlp?: boolean | ExporterSettings;
  /** Send to MLflow: `true` or exporter settings. Default: when `MLFLOW_TRACKING_URI` is set. */
  mlflow?: boolean | ExporterSettings;
  /** Print each finished trace as a tree. Default: when no backend is configured. */
  printTrees?: boolean | ((text: string) => void);
  /** Append each finished trace to this OTLP JSON file. Default: `traces/agent-traces.otlp.jsonl`
   * when no backend is configured; `false` for none. */
  file?: string | false;
  /** Keep the SDK's default exporter to the OpenAI platform. Default: when `OPENAI_API_KEY` is set. */
  keepOpenAIExporter?: boolean;
  /** Register the provider (and its context manager) globally. Default true. */
  registerGlobal?: boolean;
  /** Batch settings, as for OpenTelemetry's BatchSpanProcessor; `delivery` wins where both are set. */
  batch?: BatchSettings;
  /** Queue, batch, retry and flush settings of each exporter's delivery pipeline. */
  delivery?: DeliveryOptions;
  /**
   * A directory where finished spans are written before export and removed once the backend
   * acknowledged them, so spans of a process that crashed or was killed are sent by the next
   * process started with the same directory. Default: `AGENTS_TRACING_SPOOL_DIR`; `false` for none.
   */
  spoolDir?: string | false;
  /**
   * Flush on an uncaught exception before the process ends, and report at `process.exit()` what
   * could not be sent. Default true.
   */
  exitHooks?: boolean;
  /**
   * Where delivery problems (outages, drops, unusable settings) are told, each once per condition
   * with what to do. Default: stderr; `false` for nothing.
   */
  logger?: DeliveryLogger | false;
  /**
   * Reject when an exporter cannot be set up (a misspelled endpoint, an unusable setting) instead
   * of reporting it and tracing without that exporter. Default false.
   */
  strict?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface AgentTracing {
  readonly tracerProvider: TracerProvider;
  readonly processor: OpenTelemetryTracingProcessor;
  /** The meter provider exporting the GenAI metrics, when `OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT` is set. */
  readonly meterProvider: MetricsPipeline['meterProvider'] | undefined;
  /** The exporters in use, in the order they were chosen. */
  readonly exporters: readonly SpanExporter[];
  /** Exports everything pending, waiting at most `delivery.flushTimeoutMillis` (default 4 s). */
  forceFlush(): Promise<void>;
  /**
   * Closes open spans, exports everything pending within the flush budget and shuts the
   * exporters down. Never rejects.
   */
  shutdown(): Promise<void>;
  /** Spans exported, retried, dropped, spooled and pending: in total and per exporter. */
  stats(): DeliveryStats;
}

/**
 * For apps without an OpenTelemetry set-up: builds a tracer provider with a delivery pipeline per
 * exporter (bounded queue, batches, retries with backoff, optional spool on disk), registers the
 * processor with the Agents SDK and returns handles to flush, shut down and read delivery stats.
 * With nothing configured, traces are printed as trees and written to a local file.
 */
export async function setupAgentTracing(options: SetupAgentTracingOptions = {}): Promise<AgentTracing> {
  const env = options.env ?? process.env;
  const logger = options.logger === false ? silentDeliveryLogger : (options.logger ?? stderrDeliveryLogger());
  const chosen = options.exporters
    ? options.exporters.map((exporter, i): ChosenExporter => ({ name: `exporter-${i + 1}`, exporter, remote: true }))
    : await chooseExporters(options, env, logger);
  const spoolDir = options.spoolDir ?? (env[SPOOL_DIR_ENV] || false);
  const pipelines = chosen.map(
    ({ name, exporter, remote }) =>
      new DeliverySpanProcessor(exporter, {
        ...options.batch,
        ...options.delivery,
        name,
        logger,
        spool: spoolDir && remote ? openSpool(join(spoolDir, name), logger) : undefined,
      }),
  );
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: options.serviceName ?? env.OTEL_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
  });
  const tracerProvider = new TracerProvider({
    resource,
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: pipelines,
  });
  if (options.registerGlobal ?? true) registerGlobally(tracerProvider);
  const metrics = setUpMetrics(options.metrics, env, resource, options.registerGlobal ?? true, logger);
  const flushBudget = options.delivery?.flushTimeoutMillis ?? DEFAULT_DELIVERY_OPTIONS.flushTimeoutMillis;
  const processor = new OpenTelemetryTracingProcessor({
    ...options,
    metrics: metrics.processorOption,
    tracerProvider,
    // Every exit path ends here (the SDK's own exit hooks and ours): spans and metrics together.
    onShutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), metrics.pipeline?.shutdown(flushBudget)]);
    },
  });
  if (options.keepOpenAIExporter ?? Boolean(env.OPENAI_API_KEY)) addTraceProcessor(processor);
  else setTraceProcessors([processor]);

  const removeExitHooks =
    options.exitHooks === false
      ? () => {}
      : installExitHooks({
          shutdown: () => processor.shutdown(),
          atExit: () => {
            // Ends open spans synchronously, so they reach the spool before the process is gone.
            void processor.shutdown();
            for (const pipeline of pipelines) pipeline.reportAtExit();
          },
        });
  return {
    tracerProvider,
    processor,
    meterProvider: metrics.pipeline?.meterProvider,
    exporters: chosen.map((c) => c.exporter),
    // The processor's flush first finishes spans still queued from the current step, and so
    // records their metrics.
    async forceFlush() {
      await processor.forceFlush();
      await metrics.pipeline?.forceFlush(flushBudget);
    },
    async shutdown() {
      await processor.shutdown();
      removeExitHooks();
    },
    stats: () => sumDeliveryCounts(Object.fromEntries(pipelines.map((p) => [p.name, p.stats()]))),
  };
}

interface ChosenExporter {
  /** Names the exporter in stats, messages and its spool directory. */
  name: string;
  exporter: SpanExporter;
  /** Sends to a backend that can be down: worth a spool. */
  remote: boolean;
}

/** A spool that cannot be opened must not stop the app: spans are then kept in memory only. */
function openSpool(directory: string, logger: DeliveryLogger): Spool | undefined {
  try {
    return new Spool(directory);
  } catch (error) {
    logger.warn(`the spool directory ${directory} cannot be used (${describeExportFailure(error)}); spans are kept in memory only.`);
    return undefined;
  }
}

async function chooseExporters(options: SetupAgentTracingOptions, env: NodeJS.ProcessEnv, logger: DeliveryLogger): Promise<ChosenExporter[]> {
  const exporters: ChosenExporter[] = [];
  const build = (name: string, create: (startupLogger: DeliveryLogger) => SpanExporter): void => {
    const exporter = buildExporter(name, create, logger, options.strict ?? false);
    if (exporter) exporters.push({ name, exporter, remote: true });
  };
  const otlp = options.otlp ?? otlpEnvConfigured(env);
  if (otlp) {
    const mod = await loadOtlp('OTLP export was asked for');
    build('otlp', (startupLogger) => mod.createOtlpSpanExporter(withLogger(withoutOwnRetries(otlp), startupLogger), env));
  }
  const mlflow = options.mlflow ?? mlflowEnvConfigured(env);
  if (mlflow) {
    const mod = await loadMlflow('MLflow export was asked for');
    build('mlflow', (startupLogger) => mod.createMlflowSpanExporter(withLogger(typeof mlflow === 'object' ? mlflow : {}, startupLogger), env));
  }
  // A backend that was asked for but could not be set up still counts: no trees on stdout instead.
  const noBackend = !otlp && !mlflow;
  const print = options.printTrees ?? noBackend;
  const file = options.file ?? (noBackend ? DEFAULT_TRACE_FILE : false);
  if (print || file) {
    const exporter = new TreeExporter({ print: typeof print === 'function' ? print : print ? undefined : false, file });
    exporters.push({ name: 'tree', exporter, remote: false });
  }
  return exporters;
}

/**
 * An exporter from its settings. One that cannot be set up is reported and left out, so the app
 * starts and traces to its other exporters; with `strict` the error is thrown instead.
 */
function buildExporter(
  name: string,
  create: (startupLogger: DeliveryLogger) => SpanExporter,
  logger: DeliveryLogger,
  strict: boolean,
): SpanExporter | undefined {
  const startup = startupLogger(name, logger);
  try {
    return create(startup.logger);
  } catch (error) {
    if (strict) throw error;
    logger.warn(`${name}: ${describeExportFailure(error)} Tracing goes on without this exporter (strict: true makes this an error).`);
    return undefined;
  } finally {
    startup.end();
  }
}

/**
 * The exporter's own logger: what it says while it is set up (an ignored variable, a path that
 * gRPC drops) reaches the set-up's logger; later it reports each failed batch, which the delivery
 * pipeline already tells (with the exporter's description), so those go to OpenTelemetry's diag.
 */
function startupLogger(name: string, logger: DeliveryLogger): { logger: DeliveryLogger; end(): void } {
  const later = diag.createComponentLogger({ namespace: `@agents-tracing/delivery/${name}` });
  let target: DeliveryLogger = { warn: (message) => logger.warn(`${name}: ${message}`), info: (message) => logger.info(`${name}: ${message}`) };
  return {
    logger: { warn: (message) => target.warn(message), info: (message) => target.info(message) },
    end: () => {
      target = later;
    },
  };
}

/** Settings with the logger added, unless the caller gave the exporter one of its own. */
function withLogger(settings: ExporterSettings, logger: DeliveryLogger): ExporterSettings {
  return 'logger' in settings ? settings : { ...settings, logger };
}

/**
 * The delivery pipeline retries failed batches itself, without a time limit: the OTLP exporter's
 * own retries (up to 30 s inside one export) would only hold the queue up. Settings that ask for
 * them keep them.
 */
function withoutOwnRetries(settings: true | ExporterSettings): ExporterSettings {
  const given = typeof settings === 'object' ? settings : {};
  return 'retry' in given ? given : { ...given, retry: false };
}
