/**
 * A small client for the MLflow tracking server's REST API: experiments, and traces read back with
 * their spans. Routes as served by MLflow 3.17; errors are MlflowError with the server, the HTTP
 * status and what to do, never a credential.
 */
import {
  authorizationHeader,
  resolveMlflowConfig,
  secretsOf,
  type MlflowAuth,
  type MlflowConnectionOptions,
  type MlflowEnv,
} from './config.js';
import { describeBody, describeMlflowError, failureFromError, MlflowError, type MlflowFailure } from './errors.js';
import { MLFLOW, TRACE_INFO_METADATA } from './mlflow-attributes.js';

export interface MlflowExperiment {
  experimentId: string;
  name: string;
  /** `active`, or `deleted` for an experiment in the trash. */
  lifecycleStage: string;
  artifactLocation?: string;
}

export type MlflowTraceState = 'OK' | 'ERROR' | 'IN_PROGRESS' | 'STATE_UNSPECIFIED';

export interface MlflowTokenUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export interface MlflowTraceInfo {
  /** `tr-` followed by the 32-hex OpenTelemetry trace id. */
  traceId: string;
  experimentId: string | undefined;
  state: MlflowTraceState;
  /** Start of the trace, ms since the epoch. */
  requestTimeMs: number | undefined;
  executionDurationMs: number | undefined;
  /** `mlflow.traceName`: the workflow name. */
  name: string | undefined;
  /** `mlflow.trace.session`: the SDK group id. */
  sessionId: string | undefined;
  /** `mlflow.trace.user`. */
  userId: string | undefined;
  /** Sum of the token usage of the trace's model spans. */
  tokenUsage: MlflowTokenUsage | undefined;
  requestPreview: string | undefined;
  responsePreview: string | undefined;
  tags: Record<string, string>;
  metadata: Record<string, string>;
}

export interface MlflowSpan {
  /** 32 hex digits. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** `mlflow.spanType`: AGENT, TOOL, CHAT_MODEL, … */
  spanType: string | undefined;
  inputs: unknown;
  outputs: unknown;
  tokenUsage: MlflowTokenUsage | undefined;
  status: { code: 'OK' | 'ERROR' | 'UNSET'; message?: string };
  /** Milliseconds since the epoch (MLflow keeps nanoseconds; this is rounded). */
  startTimeMs: number;
  endTimeMs: number | undefined;
  /** Attribute values as MLflow returns them: JSON-valued attributes already decoded. */
  attributes: Record<string, unknown>;
}

export interface MlflowTrace {
  info: MlflowTraceInfo;
  spans: MlflowSpan[];
}

export interface SearchTracesOptions {
  experimentIds: readonly string[];
  /** MLflow's search syntax, e.g. `tags.customer = 'acme'` or `trace.status = 'ERROR'`. */
  filter?: string;
  /** e.g. `['timestamp_ms DESC']`. */
  orderBy?: readonly string[];
  /** At most 500 (the server's limit). Default 100. */
  maxResults?: number;
  pageToken?: string;
}

export interface SearchTracesResult {
  traces: MlflowTraceInfo[];
  nextPageToken: string | undefined;
}

export interface MlflowClientOptions {
  trackingUri: string;
  auth?: MlflowAuth;
  timeoutMillis?: number;
  /** Aborts every request of this client still out, and every later one, once it fires. */
  signal?: AbortSignal;
}

interface Answer {
  status: number;
  text: string;
  contentType?: string;
}

interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  operation: string;
}

export class MlflowClient {
  readonly trackingUri: string;
  readonly #auth: MlflowAuth;
  readonly #timeoutMillis: number;
  readonly #signal: AbortSignal | undefined;

  constructor(options: MlflowClientOptions) {
    this.trackingUri = options.trackingUri.replace(/\/+$/, '');
    this.#auth = options.auth ?? { scheme: 'none' };
    this.#timeoutMillis = options.timeoutMillis ?? 10_000;
    this.#signal = options.signal;
  }

  /** A client for the server named by options and MLFLOW_TRACKING_* variables. */
  static fromEnv(options: MlflowConnectionOptions = {}, env: MlflowEnv = process.env): MlflowClient {
    const config = resolveMlflowConfig(options, env);
    return new MlflowClient({ trackingUri: config.trackingUri, auth: config.auth, timeoutMillis: config.timeoutMillis });
  }

  /** The experiment called `name`, or undefined when there is none. */
  async getExperimentByName(name: string): Promise<MlflowExperiment | undefined> {
    const request: Request = {
      method: 'GET',
      path: '/api/2.0/mlflow/experiments/get-by-name',
      query: { experiment_name: name },
      operation: `look up experiment "${name}"`,
    };
    const answered = await this.#send(request);
    const { status, text } = answered;
    // A missing experiment, as opposed to a route the server does not have.
    if (status === 404 && text.includes('RESOURCE_DOES_NOT_EXIST')) return undefined;
    if (status < 200 || status > 299) throw this.#error({ type: 'http', status, body: text }, request);
    const answer = this.#parse<{ experiment?: RawExperiment }>(answered, request);
    return answer.experiment ? toExperiment(answer.experiment) : undefined;
  }

  /** Creates an experiment and returns its id. */
  async createExperiment(name: string): Promise<string> {
    const answer = await this.#json<{ experiment_id: string }>({
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/create',
      body: { name },
      operation: `create experiment "${name}"`,
    });
    return answer.experiment_id;
  }

  /** The id of experiment `name`, creating it when missing (safe when several processes race). */
  async getOrCreateExperiment(name: string): Promise<string> {
    const existing = await this.getExperimentByName(name);
    if (existing) return activeExperimentId(existing, this.trackingUri);
    try {
      return await this.createExperiment(name);
    } catch (error) {
      // Another process created it between the lookup and the create.
      const raced = error instanceof MlflowError && error.status === 400 ? await this.getExperimentByName(name) : undefined;
      if (raced) return activeExperimentId(raced, this.trackingUri);
      throw error;
    }
  }

  /** Trace infos (no spans), newest first unless `orderBy` says otherwise. */
  async searchTraces(options: SearchTracesOptions): Promise<SearchTracesResult> {
    const answer = await this.#json<{ traces?: MlflowRestTraceInfo[]; next_page_token?: string }>({
      method: 'POST',
      path: '/api/3.0/mlflow/traces/search',
      body: {
        locations: options.experimentIds.map((experiment_id) => ({
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id },
        })),
        ...(options.filter ? { filter: options.filter } : {}),
        order_by: options.orderBy ?? ['timestamp_ms DESC'],
        max_results: options.maxResults ?? 100,
        ...(options.pageToken ? { page_token: options.pageToken } : {}),
      },
      operation: 'search traces',
    });
    return { traces: (answer.traces ?? []).map(toTraceInfo), nextPageToken: answer.next_page_token || undefined };
  }

  /**
   * A trace with its spans, or undefined when the server has none with this id. Accepts `tr-<hex>`
   * or the bare 32-hex OpenTelemetry trace id. Spans that have not arrived yet are simply absent.
   */
  async getTrace(traceId: string): Promise<MlflowTrace | undefined> {
    const id = toMlflowTraceId(traceId);
    // batchGet returns whatever spans are stored; traces/get waits and fails on incomplete traces.
    const answer = await this.#json<{ traces?: RawTrace[] }>({
      method: 'GET',
      path: '/api/3.0/mlflow/traces/batchGet',
      query: { trace_ids: id },
      operation: `get trace ${id}`,
    });
    const found = answer.traces?.find((trace) => trace.trace_info.trace_id === id);
    return found ? { info: toTraceInfo(found.trace_info), spans: (found.spans ?? []).map(toSpan) } : undefined;
  }

  /** Sets a tag on a trace (shown in the UI's trace list, searchable as `tags.<key>`). */
  async setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    const id = toMlflowTraceId(traceId);
    await this.#json({
      method: 'PATCH',
      path: `/api/3.0/mlflow/traces/${encodeURIComponent(id)}/tags`,
      body: { key, value },
      operation: `set tag "${key}" on trace ${id}`,
    });
  }

  /** Creates an assessment (feedback or expectation) on a trace and returns it as stored. */
  async createAssessment(traceId: string, assessment: MlflowAssessmentInput): Promise<MlflowAssessment> {
    const id = toMlflowTraceId(traceId);
    const answer = await this.#json<{ assessment: MlflowAssessment }>({
      method: 'POST',
      path: `/api/3.0/mlflow/traces/${encodeURIComponent(id)}/assessments`,
      body: { assessment: { ...assessment, trace_id: id } },
      operation: `log assessment "${assessment.assessment_name}" on trace ${id}`,
    });
    return answer.assessment;
  }

  /** Changes the fields given (name, value, rationale, metadata) of an assessment. */
  async updateAssessment(
    traceId: string,
    assessmentId: string,
    update: Partial<Pick<MlflowAssessmentInput, 'assessment_name' | 'feedback' | 'expectation' | 'rationale' | 'metadata'>>,
  ): Promise<MlflowAssessment> {
    const id = toMlflowTraceId(traceId);
    const answer = await this.#json<{ assessment: MlflowAssessment }>({
      method: 'PATCH',
      path: `/api/3.0/mlflow/traces/${encodeURIComponent(id)}/assessments/${encodeURIComponent(assessmentId)}`,
      body: {
        assessment: { ...update, trace_id: id, assessment_id: assessmentId },
        update_mask: Object.keys(update).join(','),
      },
      operation: `update assessment ${assessmentId} on trace ${id}`,
    });
    return answer.assessment;
  }

  async deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    const id = toMlflowTraceId(traceId);
    await this.#json({
      method: 'DELETE',
      path: `/api/3.0/mlflow/traces/${encodeURIComponent(id)}/assessments/${encodeURIComponent(assessmentId)}`,
      operation: `delete assessment ${assessmentId} on trace ${id}`,
    });
  }

  /** The trace's info with its assessments, or undefined when the server has no such trace. */
  async getTraceInfo(traceId: string): Promise<(MlflowTraceInfo & { assessments: MlflowAssessment[] }) | undefined> {
    const id = toMlflowTraceId(traceId);
    const request: Request = { method: 'GET', path: `/api/3.0/mlflow/traces/${encodeURIComponent(id)}`, operation: `get trace ${id}` };
    const { status, text } = await this.#send(request);
    if (status === 404 && text.includes('RESOURCE_DOES_NOT_EXIST')) return undefined;
    if (status < 200 || status > 299) throw this.#error({ type: 'http', status, body: text }, request);
    const answer = JSON.parse(text) as { trace: { trace_info: MlflowRestTraceInfo & { assessments?: MlflowAssessment[] } } };
    return { ...toTraceInfo(answer.trace.trace_info), assessments: answer.trace.trace_info.assessments ?? [] };
  }

  /**
   * Writes a trace's info as a whole (MLflow's start-trace call), which is the only way to set
   * trace metadata such as `mlflow.modelId`: spans sent over OTLP cannot carry it. Safe before or
   * after the spans arrive: the server merges the two.
   */
  async writeTraceInfo(info: MlflowTraceInfoInput): Promise<void> {
    const id = toMlflowTraceId(info.traceId);
    await this.#json({
      method: 'POST',
      path: '/api/3.0/mlflow/traces',
      body: {
        trace: {
          trace_info: {
            trace_id: id,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: info.experimentId } },
            request_time: new Date(info.startTimeMs).toISOString(),
            execution_duration: `${(Math.max(0, info.durationMs) / 1000).toFixed(3)}s`,
            state: info.state,
            trace_metadata: info.metadata,
            tags: info.tags ?? {},
          },
        },
      },
      operation: `write trace info of ${id}`,
    });
  }

  /** Links traces to a run (at most 100 per call, MLflow's limit), as `mlflow.genai.evaluate` does. */
  async linkTracesToRun(runId: string, traceIds: readonly string[]): Promise<void> {
    for (let i = 0; i < traceIds.length; i += 100) {
      await this.#json({
        method: 'POST',
        path: '/api/2.0/mlflow/traces/link-to-run',
        body: { run_id: runId, trace_ids: traceIds.slice(i, i + 100).map(toMlflowTraceId) },
        operation: `link traces to run ${runId}`,
      });
    }
  }

  async createRun(options: { experimentId: string; runName: string; tags?: Record<string, string>; startTimeMs?: number }): Promise<MlflowRunInfo> {
    const answer = await this.#json<{ run: { info: MlflowRunInfo } }>({
      method: 'POST',
      path: '/api/2.0/mlflow/runs/create',
      body: {
        experiment_id: options.experimentId,
        run_name: options.runName,
        start_time: options.startTimeMs ?? Date.now(),
        tags: Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value })),
      },
      operation: `create run "${options.runName}"`,
    });
    return answer.run.info;
  }

  /** Ends a run with its final status. */
  async updateRun(runId: string, status: 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED', endTimeMs = Date.now()): Promise<void> {
    await this.#json({
      method: 'POST',
      path: '/api/2.0/mlflow/runs/update',
      body: { run_id: runId, status, end_time: endTimeMs },
      operation: `update run ${runId}`,
    });
  }

  /** Metrics, params and tags of a run, in batches within MLflow's limits (1000 metrics, 100 params). */
  async logBatch(runId: string, batch: MlflowRunBatch): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = Object.entries(batch.params ?? {}).map(([key, value]) => ({ key, value }));
    const tags = Object.entries(batch.tags ?? {}).map(([key, value]) => ({ key, value }));
    const timestamp = Date.now();
    for (let m = 0, p = 0, first = true; first || m < metrics.length || p < params.length; m += 1000, p += 100, first = false) {
      await this.#json({
        method: 'POST',
        path: '/api/2.0/mlflow/runs/log-batch',
        body: {
          run_id: runId,
          metrics: metrics.slice(m, m + 1000).map((metric) => ({
            key: metric.key,
            value: metric.value,
            timestamp,
            step: 0,
            ...(metric.modelId ? { model_id: metric.modelId } : {}),
          })),
          params: params.slice(p, p + 100),
          tags: first ? tags : [],
        },
        operation: `log metrics and params of run ${runId}`,
      });
    }
  }

  /** Records logged models (agent versions) as inputs of a run. */
  async logRunModelInputs(runId: string, modelIds: readonly string[]): Promise<void> {
    await this.#json({
      method: 'POST',
      path: '/api/2.0/mlflow/runs/log-inputs',
      body: { run_id: runId, models: modelIds.map((model_id) => ({ model_id })) },
      operation: `log models of run ${runId}`,
    });
  }

  async getRun(runId: string): Promise<MlflowRun> {
    const answer = await this.#json<{ run: RawRun }>({
      method: 'GET',
      path: '/api/2.0/mlflow/runs/get',
      query: { run_id: runId },
      operation: `get run ${runId}`,
    });
    return toRun(answer.run);
  }

  /** The experiment's logged model called `name` (the newest, if several), or undefined. */
  async findLoggedModel(experimentId: string, name: string): Promise<MlflowLoggedModel | undefined> {
    const answer = await this.#json<{ models?: RawLoggedModel[] }>({
      method: 'POST',
      path: '/api/2.0/mlflow/logged-models/search',
      body: {
        experiment_ids: [experimentId],
        filter: `name = '${name.replace(/'/g, "\\'")}'`,
        order_by: [{ field_name: 'creation_time', ascending: false }],
        max_results: 1,
      },
      operation: `look up agent version "${name}"`,
    });
    const found = answer.models?.[0];
    return found ? toLoggedModel(found) : undefined;
  }

  async createLoggedModel(options: {
    experimentId: string;
    name: string;
    modelType?: string;
    params?: Record<string, string>;
    tags?: Record<string, string>;
  }): Promise<MlflowLoggedModel> {
    const answer = await this.#json<{ model: RawLoggedModel }>({
      method: 'POST',
      path: '/api/2.0/mlflow/logged-models',
      body: {
        experiment_id: options.experimentId,
        name: options.name,
        ...(options.modelType ? { model_type: options.modelType } : {}),
        params: Object.entries(options.params ?? {}).map(([key, value]) => ({ key, value })),
        tags: Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value })),
      },
      operation: `create agent version "${options.name}"`,
    });
    return toLoggedModel(answer.model);
  }

  /** Marks a logged model ready (MLflow lists pending ones as still being written). */
  async finalizeLoggedModel(modelId: string): Promise<void> {
    await this.#json({
      method: 'PATCH',
      path: `/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`,
      body: { model_id: modelId, status: 'LOGGED_MODEL_READY' },
      operation: `finalize agent version ${modelId}`,
    });
  }

  /**
   * The logged model called `name`, created (with its params, and marked ready) when the
   * experiment has none yet.
   */
  async getOrCreateLoggedModel(experimentId: string, name: string, params: Record<string, string> = {}): Promise<MlflowLoggedModel> {
    const existing = await this.findLoggedModel(experimentId, name);
    if (existing) return existing;
    const created = await this.createLoggedModel({ experimentId, name, modelType: 'agent', params });
    await this.finalizeLoggedModel(created.modelId);
    return { ...created, status: 'LOGGED_MODEL_READY' };
  }

  async #json<T>(request: Request): Promise<T> {
    const answered = await this.#send(request);
    if (answered.status < 200 || answered.status > 299) throw this.#error({ type: 'http', status: answered.status, body: answered.text }, request);
    return this.#parse<T>(answered, request);
  }

  /** MLflow answers JSON objects: anything else (a login page, a proxy) is not MLflow. */
  #parse<T>(answered: Answer, request: Request): T {
    if (answered.text === '') return {} as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(answered.text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const { status, text, contentType } = answered;
      const url = `${this.trackingUri}${request.path}`;
      throw this.#error({ type: 'not-mlflow', status, url, what: describeBody(text, contentType) }, request);
    }
    return parsed as T;
  }

  async #send(request: Request): Promise<Answer> {
    const url = new URL(`${this.trackingUri}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    try {
      const response = await fetch(url, {
        method: request.method,
        headers: {
          ...authorizationHeader(this.#auth),
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: this.#signal ? AbortSignal.any([AbortSignal.timeout(this.#timeoutMillis), this.#signal]) : AbortSignal.timeout(this.#timeoutMillis),
      });
      const contentType = response.headers.get('content-type') ?? undefined;
      return { status: response.status, text: await response.text(), ...(contentType ? { contentType } : {}) };
    } catch (error) {
      throw this.#error(failureFromError(error), request);
    }
  }

  #error(failure: MlflowFailure, request: Request): MlflowError {
    const description = describeMlflowError(failure, {
      trackingUri: this.trackingUri,
      operation: request.operation,
      auth: this.#auth,
      timeoutMillis: this.#timeoutMillis,
      secrets: secretsOf(this.#auth),
    });
    return new MlflowError({
      ...description,
      message: `${description.message} (${request.method} ${request.path})`,
    });
  }
}

/** An assessment as MLflow's REST API takes it (snake_case, as on the wire). */
export interface MlflowAssessmentInput {
  assessment_name: string;
  source: { source_type: 'HUMAN' | 'LLM_JUDGE' | 'CODE'; source_id: string };
  feedback?: { value?: unknown; error?: { error_code: string; error_message?: string } };
  /** Objects and arrays go as `serialized_value` JSON text, as MLflow's Python client sends them. */
  expectation?: { value?: unknown; serialized_value?: { serialization_format: 'JSON_FORMAT'; value: string } };
  rationale?: string;
  metadata?: Record<string, string>;
  span_id?: string;
}

/** An assessment as MLflow returns it. */
export interface MlflowAssessment extends MlflowAssessmentInput {
  assessment_id: string;
  trace_id: string;
  create_time?: string;
  last_update_time?: string;
  valid?: boolean;
}

export interface MlflowTraceInfoInput {
  /** `tr-<hex>` or the 32-hex OpenTelemetry trace id. */
  traceId: string;
  experimentId: string;
  startTimeMs: number;
  durationMs: number;
  state: 'OK' | 'ERROR' | 'IN_PROGRESS';
  metadata: Record<string, string>;
  tags?: Record<string, string>;
}

export interface MlflowRunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status?: string;
  start_time?: number | string;
  end_time?: number | string;
}

export interface MlflowRunBatch {
  metrics?: readonly { key: string; value: number; modelId?: string }[];
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface MlflowRun {
  info: MlflowRunInfo;
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Ids of the logged models recorded as the run's inputs. */
  modelInputs: string[];
}

export interface MlflowLoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  status: string;
  params: Record<string, string>;
}

interface RawRun {
  info: MlflowRunInfo;
  data?: { metrics?: { key: string; value: number }[]; params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
  inputs?: { model_inputs?: { model_id: string }[] };
}

interface RawLoggedModel {
  info: { model_id: string; experiment_id: string; name: string; status?: string };
  data?: { params?: { key: string; value: string }[] };
}

function toRun(raw: RawRun): MlflowRun {
  const pairs = <T>(list: { key: string; value: T }[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value]));
  return {
    info: raw.info,
    metrics: pairs(raw.data?.metrics),
    params: pairs(raw.data?.params),
    tags: pairs(raw.data?.tags),
    modelInputs: (raw.inputs?.model_inputs ?? []).map((input) => input.model_id),
  };
}

function toLoggedModel(raw: RawLoggedModel): MlflowLoggedModel {
  return {
    modelId: raw.info.model_id,
    experimentId: raw.info.experiment_id,
    name: raw.info.name,
    status: raw.info.status ?? 'LOGGED_MODEL_PENDING',
    params: Object.fromEntries((raw.data?.params ?? []).map((kv) => [kv.key, kv.value])),
  };
}

function activeExperimentId(experiment: MlflowExperiment, trackingUri: string): string {
  if (experiment.lifecycleStage === 'deleted') {
    throw new MlflowError({
      kind: 'deleted-experiment',
      message:
        `MLflow at ${trackingUri} has experiment "${experiment.name}" (id ${experiment.experimentId}) in the trash: ` +
        'restore it (`mlflow experiments restore --experiment-id ' +
        `${experiment.experimentId}\`) or choose another experiment name.`,
    });
  }
  return experiment.experimentId;
}

/** `tr-<32 hex>` from either form. */
export function toMlflowTraceId(traceId: string): string {
  return traceId.startsWith('tr-') ? traceId : `tr-${traceId}`;
}

interface RawExperiment {
  experiment_id: string;
  name: string;
  lifecycle_stage?: string;
  artifact_location?: string;
}

/** A trace info as MLflow's REST API answers it. */
export interface MlflowRestTraceInfo {
  trace_id: string;
  trace_location?: { mlflow_experiment?: { experiment_id?: string } };
  request_time?: string;
  execution_duration?: string;
  state?: string;
  request_preview?: string;
  response_preview?: string;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
}

/** OTLP's AnyValue as MLflow's REST layer writes it. */
export interface MlflowRestAnyValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: number | string;
  double_value?: number | string;
  bytes_value?: string;
  array_value?: { values?: MlflowRestAnyValue[] };
  kvlist_value?: { values?: MlflowRestKeyValue[] };
}

export interface MlflowRestKeyValue {
  key: string;
  value?: MlflowRestAnyValue;
}

interface RawSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_time_unix_nano: number | string;
  end_time_unix_nano?: number | string;
  attributes?: MlflowRestKeyValue[];
  status?: { code?: string; message?: string };
}

interface RawTrace {
  trace_info: MlflowRestTraceInfo;
  spans?: RawSpan[];
}

function toExperiment(raw: RawExperiment): MlflowExperiment {
  return {
    experimentId: raw.experiment_id,
    name: raw.name,
    lifecycleStage: raw.lifecycle_stage ?? 'active',
    ...(raw.artifact_location ? { artifactLocation: raw.artifact_location } : {}),
  };
}

function toTraceInfo(raw: MlflowRestTraceInfo): MlflowTraceInfo {
  const tags = raw.tags ?? {};
  const metadata = raw.trace_metadata ?? {};
  return {
    traceId: raw.trace_id,
    experimentId: raw.trace_location?.mlflow_experiment?.experiment_id,
    state: (raw.state ?? 'STATE_UNSPECIFIED') as MlflowTraceState,
    requestTimeMs: raw.request_time ? Date.parse(raw.request_time) : undefined,
    executionDurationMs: raw.execution_duration ? Math.round(Number.parseFloat(raw.execution_duration) * 1000) : undefined,
    name: tags[MLFLOW.TRACE_NAME_TAG],
    sessionId: metadata[TRACE_INFO_METADATA.SESSION],
    userId: metadata[TRACE_INFO_METADATA.USER],
    tokenUsage: parseJsonObject(metadata[TRACE_INFO_METADATA.TOKEN_USAGE]) as MlflowTokenUsage | undefined,
    requestPreview: raw.request_preview,
    responsePreview: raw.response_preview,
    tags,
    metadata,
  };
}

function toSpan(raw: RawSpan): MlflowSpan {
  const attributes: Record<string, unknown> = {};
  for (const { key, value } of raw.attributes ?? []) attributes[key] = decodeMlflowAnyValue(value);
  const code = raw.status?.code;
  const endTime = raw.end_time_unix_nano;
  return {
    traceId: base64ToHex(raw.trace_id),
    spanId: base64ToHex(raw.span_id),
    parentSpanId: raw.parent_span_id ? base64ToHex(raw.parent_span_id) : undefined,
    name: raw.name,
    spanType: typeof attributes[MLFLOW.SPAN_TYPE] === 'string' ? (attributes[MLFLOW.SPAN_TYPE] as string) : undefined,
    inputs: attributes[MLFLOW.SPAN_INPUTS],
    outputs: attributes[MLFLOW.SPAN_OUTPUTS],
    tokenUsage: asObject(attributes[MLFLOW.TOKEN_USAGE]) as MlflowTokenUsage | undefined,
    status: {
      code: code === 'STATUS_CODE_OK' ? 'OK' : code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'UNSET',
      ...(raw.status?.message ? { message: raw.status.message } : {}),
    },
    startTimeMs: Number(raw.start_time_unix_nano) / 1e6,
    endTimeMs: endTime === undefined ? undefined : Number(endTime) / 1e6,
    attributes,
  };
}

/** An AnyValue from MLflow's REST API as a plain value (integers as numbers, kvlists as objects). */
export function decodeMlflowAnyValue(value: MlflowRestAnyValue | undefined): unknown {
  if (value === undefined) return null;
  if (value.string_value !== undefined) return value.string_value;
  if (value.bool_value !== undefined) return value.bool_value;
  if (value.int_value !== undefined) return Number(value.int_value);
  if (value.double_value !== undefined) return Number(value.double_value);
  if (value.bytes_value !== undefined) return value.bytes_value;
  if (value.array_value !== undefined) return (value.array_value.values ?? []).map(decodeMlflowAnyValue);
  if (value.kvlist_value !== undefined) {
    return Object.fromEntries((value.kvlist_value.values ?? []).map((kv) => [kv.key, decodeMlflowAnyValue(kv.value)]));
  }
  return null;
}

function base64ToHex(value: string): string {
  return Buffer.from(value, 'base64').toString('hex');
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}
