import { addTraceProcessor, setTraceProcessors } from '@openai/agents-core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type BufferConfig, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { AgentsIdGenerator } from '../ids.js';
import { OpenTelemetryTracingProcessor, type OpenTelemetryTracingProcessorOptions } from '../processor.js';
import {
  loadMlflow,
  loadOtlp,
  mlflowEnvConfigured,
  otlpEnvConfigured,
  type ExporterSettings,
} from './exporters.js';
import { TreeExporter } from './tree-exporter.js';

export { TreeExporter, type TreeExporterOptions } from './tree-exporter.js';
export { TraceAssembler } from './trace-assembler.js';

export const DEFAULT_SERVICE_NAME = 'agents-app';
export const DEFAULT_TRACE_FILE = 'traces/agent-traces.otlp.jsonl';

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
  /** Batch span processor settings. */
  batch?: BufferConfig;
  env?: NodeJS.ProcessEnv;
}

export interface AgentTracing {
  readonly tracerProvider: NodeTracerProvider;
  readonly processor: OpenTelemetryTracingProcessor;
  /** The exporters in use, in the order they were chosen. */
  readonly exporters: readonly SpanExporter[];
  forceFlush(): Promise<void>;
  /** Closes open spans, exports everything pending and shuts the exporters down. */
  shutdown(): Promise<void>;
}

/**
 * For apps without an OpenTelemetry set-up: builds a tracer provider with a batch span processor
 * per exporter, registers the processor with the Agents SDK and returns handles to flush and
 * shut down. With nothing configured, traces are printed as trees and written to a local file.
 */
export async function setupAgentTracing(options: SetupAgentTracingOptions = {}): Promise<AgentTracing> {
  const env = options.env ?? process.env;
  const exporters = options.exporters ?? (await chooseExporters(options, env));
  const tracerProvider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName ?? env.OTEL_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
    }),
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: exporters.map((exporter) => new BatchSpanProcessor(exporter, options.batch)),
  });
  if (options.registerGlobal ?? true) tracerProvider.register();
  const processor = new OpenTelemetryTracingProcessor({
    ...options,
    tracerProvider,
    onShutdown: () => tracerProvider.shutdown(),
  });
  if (options.keepOpenAIExporter ?? Boolean(env.OPENAI_API_KEY)) addTraceProcessor(processor);
  else setTraceProcessors([processor]);
  return {
    tracerProvider,
    processor,
    exporters,
    forceFlush: () => tracerProvider.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
}

async function chooseExporters(options: SetupAgentTracingOptions, env: NodeJS.ProcessEnv): Promise<SpanExporter[]> {
  const exporters: SpanExporter[] = [];
  const otlp = options.otlp ?? otlpEnvConfigured(env);
  if (otlp) {
    const mod = await loadOtlp('OTLP export was asked for');
    exporters.push(mod.createOtlpSpanExporter(typeof otlp === 'object' ? otlp : undefined));
  }
  const mlflow = options.mlflow ?? mlflowEnvConfigured(env);
  if (mlflow) {
    const mod = await loadMlflow('MLflow export was asked for');
    exporters.push(mod.createMlflowSpanExporter(typeof mlflow === 'object' ? mlflow : undefined));
  }
  const noBackend = exporters.length === 0;
  const print = options.printTrees ?? noBackend;
  const file = options.file ?? (noBackend ? DEFAULT_TRACE_FILE : false);
  if (print || file) {
    exporters.push(new TreeExporter({ print: typeof print === 'function' ? print : print ? undefined : false, file }));
  }
  return exporters;
}
