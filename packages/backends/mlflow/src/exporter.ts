import { diag, SpanStatusCode } from '@opentelemetry/api';
import { OtlpHttpExporter } from '@agents-tracing/exporter-otlp';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { MlflowClient } from './client.js';
import {
  authorizationHeader,
  resolveMlflowConfig,
  secretsOf,
  type MlflowConfig,
  type MlflowConnectionOptions,
  type MlflowEnv,
  type MlflowExperimentRef,
} from './config.js';
import { describeMlflowError, failureFromError, MlflowError } from './errors.js';
import { ExportReporter, type MlflowExportStats, type MlflowLogger } from './export-reporter.js';
import { toMlflowAttributes, TRACE_METADATA } from './mlflow-attributes.js';
import { onceSuccessful } from './once.js';
import { isRootSpan, withExtraAttributes } from './span-view.js';
import { TraceSummaries } from './trace-summaries.js';

/** The header MLflow's OTLP endpoint requires. */
export const MLFLOW_EXPERIMENT_ID_HEADER = 'x-mlflow-experiment-id';
/** Traces completed by a request with this header are linked to the run (MLflow 3.17). */
export const MLFLOW_RUN_ID_HEADER = 'x-mlflow-run-id';
const OTLP_TRACES_PATH = '/v1/traces';

/** The environment variable naming the agent version (an MLflow logged model) traces belong to. */
export const AGENT_VERSION_ENV = 'AGENTS_TRACING_AGENT_VERSION';

export interface AgentVersion {
  /** The logged model's name, e.g. `concierge-v2`; created in the experiment on first use. */
  name: string;
  /** Recorded on the logged model when it is created (prompt hash, model name, …). */
  params?: Record<string, string>;
}

export interface MlflowSpanExporterOptions extends MlflowConnectionOptions {
  /**
   * Links every trace to this agent version, so the experiment's "Agent versions" view lists its
   * traces. Default: a version named by AGENTS_TRACING_AGENT_VERSION.
   */
  agentVersion?: AgentVersion;
  /** Links every trace to this MLflow run (how evaluations gather their traces). */
  runId?: string;
  /** Where problems are reported, once each. Default: OpenTelemetry's `diag`. */
  logger?: MlflowLogger;
  /** Called for every batch that could not be delivered. */
  onError?(error: MlflowError, spanCount: number): void;
}

/**
 * Sends spans to an MLflow tracking server's OTLP endpoint (`{trackingUri}/v1/traces`, MLflow
 * ≥ 3.6 with a SQL store), adding the `mlflow.*` attributes its UI reads. The experiment named by
 * `experimentName` is looked up (or created) once, on the first export.
 *
 * Throws MlflowConfigError when the configuration cannot work.
 */
export class MlflowSpanExporter implements SpanExporter {
  readonly #config: MlflowConfig;
  readonly #client: MlflowClient;
  readonly #publicClient: MlflowClient;
  readonly #closing = new AbortController();
  readonly #reporter: ExportReporter;
  readonly #summaries = new TraceSummaries();
  readonly #otlp: () => Promise<OtlpHttpExporter>;
  #created: OtlpHttpExporter | undefined;
  #experimentId: string | undefined;
  readonly #agentVersion: AgentVersion | undefined;
  readonly #runId: string | undefined;
  readonly #modelId: () => Promise<string | undefined>;
  #tail: Promise<void> = Promise.resolve();
  #shutDown = false;

  constructor(options: MlflowSpanExporterOptions = {}, env: MlflowEnv = process.env) {
    const { logger, onError, agentVersion, runId, ...connection } = options;
    this.#config = resolveMlflowConfig(connection, env);
    const versionFromEnv = env[AGENT_VERSION_ENV]?.trim();
    this.#agentVersion = agentVersion ?? (versionFromEnv ? { name: versionFromEnv } : undefined);
    this.#runId = runId;
    const server = { trackingUri: this.#config.trackingUri, auth: this.#config.auth, timeoutMillis: this.#config.timeoutMillis };
    // The exporter's own requests (experiment, logged model, trace info) end with it; the client
    // it hands out for reading traces back does not.
    this.#client = new MlflowClient({ ...server, signal: this.#closing.signal });
    this.#publicClient = new MlflowClient(server);
    this.#reporter = new ExportReporter(
      this.#config.trackingUri,
      logger ?? diag.createComponentLogger({ namespace: '@agents-tracing/exporter-mlflow' }),
      onError,
    );
    this.#otlp = onceSuccessful(async () => {
      this.#experimentId = await this.#resolveExperimentId(this.#config.experiment);
      // Checks that a 200 is MLflow's answer (not a login page) and aborts what is out at shutdown.
      this.#created = new OtlpHttpExporter({
        url: `${this.#config.trackingUri}${OTLP_TRACES_PATH}`,
        encoding: 'protobuf',
        headers: {
          ...authorizationHeader(this.#config.auth),
          [MLFLOW_EXPERIMENT_ID_HEADER]: this.#experimentId,
          ...(this.#runId ? { [MLFLOW_RUN_ID_HEADER]: this.#runId } : {}),
        },
        timeoutMillis: this.#config.timeoutMillis,
      });
      return this.#created;
    });
    this.#modelId = onceSuccessful(async () => {
      if (!this.#agentVersion) return undefined;
      await this.#otlp();
      const model = await this.#client.getOrCreateLoggedModel(
        this.#experimentId as string,
        this.#agentVersion.name,
        this.#agentVersion.params,
      );
      return model.modelId;
    });
  }

  /** The id of the agent version's logged model (created when missing), if one is configured. */
  agentVersionId(): Promise<string | undefined> {
    return this.#modelId();
  }

  /** The tracking server spans go to (no credentials). */
  get trackingUri(): string {
    return this.#config.trackingUri;
  }

  /** The experiment as configured; `experimentId` once it is known. */
  get experiment(): MlflowExperimentRef & { experimentId?: string } {
    const { experiment } = this.#config;
    return this.#experimentId === undefined ? experiment : { ...experiment, experimentId: this.#experimentId };
  }

  /** A REST client for the same server and credentials, to read traces back or tag them. */
  get client(): MlflowClient {
    return this.#publicClient;
  }

  get stats(): MlflowExportStats {
    return this.#reporter.stats;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutDown) {
      const error = Object.assign(new Error('MlflowSpanExporter is shut down'), { retryable: false });
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    // Views are made now, in the order spans ended, so a root sees what its descendants told it.
    const views = this.#views(spans);
    const roots = spans.filter(isRootSpan).map((span) => span.spanContext().traceId);
    // One request at a time: MLflow 3.17 recomputes a trace's token usage on every request, and
    // concurrent requests for the same trace race (SQLite) and count some calls twice.
    const sent = this.#tail.then(async () => {
      const result = await this.#send(views);
      if (result.code === ExportResultCode.SUCCESS) this.#summaries.forget(roots);
      return result;
    });
    this.#tail = sent.then(() => undefined);
    void sent.then(resultCallback);
  }

  async forceFlush(): Promise<void> {
    await this.#tail;
    await this.#created?.forceFlush();
  }

  /** Aborts requests still out (their batch fails, and is told so), then waits for the queue to settle. */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    this.#closing.abort();
    await this.#created?.shutdown();
    await this.#tail;
  }

  #views(spans: ReadableSpan[]): ReadableSpan[] {
    // Descendants first: a root exported in the same batch as its runs still gets their summary.
    for (const span of spans) {
      if (isRootSpan(span)) continue;
      this.#summaries.add(
        span.spanContext().traceId,
        span.attributes,
        hrTimeToMilliseconds(span.startTime),
        hrTimeToMilliseconds(span.endTime),
      );
    }
    return spans.map((span) => {
      const root = isRootSpan(span);
      const summary = root ? this.#summaries.get(span.spanContext().traceId) : undefined;
      return withExtraAttributes(span, toMlflowAttributes(span.attributes, span.name, root, summary));
    });
  }

  async #send(views: ReadableSpan[]): Promise<ExportResult> {
    let otlp: OtlpHttpExporter;
    try {
      otlp = await this.#otlp();
    } catch (error) {
      return this.#failed(error instanceof MlflowError ? error : this.#describe(error), views.length);
    }
    const result = await new Promise<ExportResult>((resolve) => {
      try {
        otlp.export(views, resolve);
      } catch (error) {
        resolve({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
    if (result.code !== ExportResultCode.SUCCESS) return this.#failed(this.#describe(result.error), views.length);
    try {
      await this.#linkRoots(views.filter(isRootSpan));
    } catch (error) {
      // The whole batch is sent again: MLflow keeps one copy of each span.
      return this.#failed(error instanceof MlflowError ? error : this.#describe(error), views.length);
    }
    this.#reporter.exported(views.length);
    return result;
  }

  /** Trace metadata OTLP cannot carry: the agent version and the run, written per finished trace. */
  async #linkRoots(roots: ReadableSpan[]): Promise<void> {
    if (roots.length === 0 || (!this.#agentVersion && !this.#runId)) return;
    const modelId = await this.#modelId();
    const metadata: Record<string, string> = {
      ...(modelId ? { [TRACE_METADATA.MODEL_ID]: modelId } : {}),
      ...(this.#runId ? { [TRACE_METADATA.SOURCE_RUN]: this.#runId } : {}),
    };
    for (const root of roots) {
      const startTimeMs = hrTimeToMilliseconds(root.startTime);
      await this.#client.writeTraceInfo({
        traceId: root.spanContext().traceId,
        experimentId: this.#experimentId as string,
        startTimeMs,
        durationMs: hrTimeToMilliseconds(root.endTime) - startTimeMs,
        state: root.status.code === SpanStatusCode.ERROR ? 'ERROR' : 'OK',
        metadata,
      });
    }
  }

  async #resolveExperimentId(experiment: MlflowExperimentRef): Promise<string> {
    return 'id' in experiment ? experiment.id : this.#client.getOrCreateExperiment(experiment.name);
  }

  #describe(error: unknown): MlflowError {
    return new MlflowError(
      describeMlflowError(failureFromError(error), {
        trackingUri: this.#config.trackingUri,
        operation: 'export spans',
        ...(this.#experimentId === undefined ? {} : { experimentId: this.#experimentId }),
        auth: this.#config.auth,
        timeoutMillis: this.#config.timeoutMillis,
        secrets: secretsOf(this.#config.auth),
      }),
    );
  }

  #failed(error: MlflowError, spanCount: number): ExportResult {
    this.#reporter.failed(error, spanCount);
    return { code: ExportResultCode.FAILED, error };
  }
}

/** An MlflowSpanExporter configured from options and the MLFLOW_* environment variables. */
export function createMlflowSpanExporter(
  options: MlflowSpanExporterOptions = {},
  env: MlflowEnv = process.env,
): MlflowSpanExporter {
  return new MlflowSpanExporter(options, env);
}
