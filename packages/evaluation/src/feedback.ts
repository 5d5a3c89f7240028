/**
 * Feedback and expectations on a trace, from any process, long after the run: only the trace id
 * and the backends' usual variables are needed. Sent to MLflow as assessments, which the trace
 * page's Assessments panel and the trace list's assessment columns show; feedback also goes over
 * OTLP as a GenAI evaluation result when an OTLP endpoint is configured.
 */
import {
  MlflowClient,
  MlflowError,
  type MlflowAssessment,
  type MlflowAssessmentInput,
  type MlflowConnectionOptions,
  type MlflowEnv,
} from '@agents-tracing/exporter-mlflow';
import { checkAssessmentValue, InvalidAssessmentError, type AssessmentValue } from './assessment-value.js';
import { isOtlpConfigured, type Env, type OtlpExporterOptions } from '@agents-tracing/exporter-otlp';
import { otelSpanIdFromSdk, parseTraceId } from '@agents-tracing/processor';
import { sendEvaluationOverOtlp } from './otlp-feedback.js';
import { withRetries } from './retry.js';
import { scrubSecrets } from './secret-scrub.js';

export type AssessmentSourceType = 'HUMAN' | 'LLM_JUDGE' | 'CODE';

/** Who gave the assessment: a person (default), a judging model, or code. */
export interface AssessmentSource {
  type: AssessmentSourceType;
  /** A user name, a judge model, a scorer name. */
  id: string;
}

export interface Feedback {
  name: string;
  value: AssessmentValue;
  rationale?: string;
  /** Default: `{ type: 'HUMAN', id: 'unknown' }`; a string is a person's id. */
  source?: AssessmentSource | string;
  /** The span judged (16 hex); default: the whole trace. */
  spanId?: string;
  metadata?: Record<string, unknown>;
}

export interface Expectation {
  name: string;
  value: AssessmentValue;
  source?: AssessmentSource | string;
  spanId?: string;
  metadata?: Record<string, unknown>;
}

export interface AssessmentOptions extends MlflowConnectionOptions {
  /** Default: `process.env`. */
  env?: MlflowEnv & Env;
  /** How long to wait for a trace that has not reached MLflow yet (exporters batch). Default 10 s. */
  waitForTraceMillis?: number;
  /** How long to keep retrying while the backend is down or failing. Default 60 s. */
  retryForMillis?: number;
}

export interface FeedbackOptions extends AssessmentOptions {
  /**
   * Send to MLflow as an assessment. Default: when `trackingUri` or MLFLOW_TRACKING_URI is set.
   */
  mlflow?: boolean;
  /**
   * Send over OTLP as a `gen_ai.evaluation.result` in the trace: `true`, or the OTLP exporter's
   * options. Default: when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set.
   */
  otlp?: boolean | OtlpExporterOptions;
}

/** An assessment as stored. */
export interface LoggedAssessment {
  /** MLflow's assessment id; for feedback sent over OTLP only, the id of its evaluation span. */
  assessmentId: string;
  /** MLflow's `tr-<32 hex>`; for feedback sent over OTLP only, the OpenTelemetry 32 hex. */
  traceId: string;
  name: string;
  kind: 'feedback' | 'expectation';
  value: AssessmentValue | undefined;
  rationale?: string;
  source: AssessmentSource;
  metadata: Record<string, string>;
  /** The span (16 hex) that carries the feedback in the trace, when it was sent over OTLP. */
  evaluationSpanId?: string;
}

/** The trace is not (yet) in the backend. */
export class TraceNotFoundError extends Error {
  override name = 'TraceNotFoundError';
}

/** Neither MLflow nor an OTLP endpoint is configured: there is nowhere to send the assessment. */
export class NoAssessmentBackendError extends Error {
  override name = 'NoAssessmentBackendError';
}

export { InvalidAssessmentError };

const DEFAULT_WAIT_MILLIS = 10_000;
const DEFAULT_RETRY_MILLIS = 60_000;

/**
 * Logs feedback on a trace (a score, a thumbs-down, a label) to MLflow, over OTLP, or both, as
 * configured, and returns it as stored. Each configured backend is tried; the first failure is
 * thrown once both were.
 */
export async function logFeedback(traceId: string, feedback: Feedback, options: FeedbackOptions = {}): Promise<LoggedAssessment> {
  const { mlflow: mlflowOption, otlp: otlpOption, ...assessmentOptions } = options;
  const env = options.env ?? process.env;
  const input = toAssessmentInput(feedback, 'feedback');
  const traceHex = parseTraceId(traceId);
  const toMlflow = mlflowOption ?? Boolean(options.trackingUri || env.MLFLOW_TRACKING_URI?.trim());
  const otlp = otlpOption ?? isOtlpConfigured(env);
  if (!toMlflow && !otlp) {
    throw new NoAssessmentBackendError(
      'no backend to send the feedback to: set MLFLOW_TRACKING_URI for MLflow, OTEL_EXPORTER_OTLP_ENDPOINT for an OTLP backend (Jaeger, a collector), or both',
    );
  }
  const source = toSource(feedback.source);
  const [stored, sent] = await Promise.allSettled([
    toMlflow ? new AssessmentWriter(assessmentOptions).create(traceId, input) : Promise.resolve(undefined),
    otlp
      ? sendEvaluationOverOtlp(
          traceHex,
          input.span_id,
          { name: input.assessment_name, value: input.feedback?.value as AssessmentValue, ...(input.rationale ? { rationale: input.rationale } : {}), source },
          { otlp: otlp === true ? {} : otlp, env, retryForMillis: options.retryForMillis ?? DEFAULT_RETRY_MILLIS },
        )
      : Promise.resolve(undefined),
  ]);
  if (stored.status === 'rejected') throw withDelivered(stored.reason, sent.status === 'fulfilled' ? sent.value : undefined, 'otlp');
  if (sent.status === 'rejected') throw withDelivered(sent.reason, stored.value?.assessmentId, 'mlflow');
  const evaluationSpanId = sent.value;
  const logged = stored.value ?? {
    assessmentId: evaluationSpanId as string,
    traceId: traceHex,
    name: input.assessment_name,
    kind: 'feedback' as const,
    value: input.feedback?.value as AssessmentValue,
    ...(input.rationale ? { rationale: input.rationale } : {}),
    source,
    metadata: input.metadata ?? {},
  };
  return evaluationSpanId === undefined ? logged : { ...logged, evaluationSpanId };
}

/**
 * When one backend took the feedback and the other did not, the error says which one has it and how
 * to send it to the other alone, so that trying again does not store it twice.
 */
function withDelivered(error: unknown, deliveredId: string | undefined, delivered: 'mlflow' | 'otlp'): unknown {
  if (deliveredId === undefined || !(error instanceof Error)) return error;
  error.message +=
    delivered === 'mlflow'
      ? ` It is stored in MLflow as assessment ${deliveredId}: to send it over OTLP alone, log it again with \`mlflow: false\` (on the command line: with MLFLOW_TRACKING_URI unset).`
      : ` It was sent over OTLP as evaluation span ${deliveredId}: to store it in MLflow alone, log it again with \`otlp: false\` (on the command line: with the OTEL_EXPORTER_OTLP_ endpoint variables unset).`;
  return error;
}

/** Logs what the right answer was (ground truth) on a trace. */
export async function logExpectation(traceId: string, expectation: Expectation, options: AssessmentOptions = {}): Promise<LoggedAssessment> {
  const input = toAssessmentInput(expectation, 'expectation');
  return new AssessmentWriter(options).create(traceId, input);
}

export interface AssessmentChanges {
  name?: string;
  /** A new value; `kind` says whether the assessment is feedback (default) or an expectation. */
  value?: AssessmentValue;
  kind?: 'feedback' | 'expectation';
  rationale?: string;
  metadata?: Record<string, unknown>;
}

export async function updateAssessment(
  traceId: string,
  assessmentId: string,
  changes: AssessmentChanges,
  options: AssessmentOptions = {},
): Promise<LoggedAssessment> {
  const name = changes.name ?? assessmentId;
  const update: Parameters<MlflowClient['updateAssessment']>[2] = {
    ...(changes.name === undefined ? {} : { assessment_name: changes.name }),
    ...(changes.value === undefined
      ? {}
      : changes.kind === 'expectation'
        ? { expectation: expectationBody(checkAssessmentValue(name, changes.value)) }
        : { feedback: { value: checkAssessmentValue(name, changes.value) } }),
    ...(changes.rationale === undefined ? {} : { rationale: scrubSecrets(changes.rationale) }),
    ...(changes.metadata === undefined ? {} : { metadata: stringMetadata(changes.metadata) }),
  };
  if (Object.keys(update).length === 0) throw new InvalidAssessmentError('nothing to update: give a name, value, rationale or metadata');
  const writer = new AssessmentWriter(options);
  return writer.update(traceId, assessmentId, update);
}

export async function deleteAssessment(traceId: string, assessmentId: string, options: AssessmentOptions = {}): Promise<void> {
  await new AssessmentWriter(options).delete(traceId, assessmentId);
}

/** Assessments of a trace as stored (feedback and expectations). */
export async function getAssessments(traceId: string, options: AssessmentOptions = {}): Promise<LoggedAssessment[]> {
  const writer = new AssessmentWriter(options);
  return writer.list(traceId);
}

/** Builds MLflow's assessment body, checking the value. */
export function toAssessmentInput(assessment: Feedback | Expectation, kind: 'feedback' | 'expectation'): MlflowAssessmentInput {
  if (typeof assessment?.name !== 'string' || assessment.name.trim() === '') {
    throw new InvalidAssessmentError('an assessment needs a name, e.g. { name: "helpful", value: true }');
  }
  const checked = checkAssessmentValue(assessment.name, assessment.value);
  const value = typeof checked === 'string' ? scrubSecrets(checked) : checked;
  const source = toSource(assessment.source);
  const rationale = 'rationale' in assessment ? assessment.rationale : undefined;
  return {
    assessment_name: assessment.name,
    source: { source_type: source.type, source_id: source.id },
    ...(kind === 'feedback' ? { feedback: { value } } : { expectation: expectationBody(value) }),
    ...(rationale ? { rationale: scrubSecrets(rationale) } : {}),
    ...(assessment.metadata ? { metadata: stringMetadata(assessment.metadata) } : {}),
    ...(assessment.spanId ? { span_id: toSpanId(assessment.spanId) } : {}),
  };
}

/** MLflow keeps an object or array expectation as JSON text; scalars as they are. */
function expectationBody(value: AssessmentValue): NonNullable<MlflowAssessmentInput['expectation']> {
  return typeof value === 'object'
    ? { serialized_value: { serialization_format: 'JSON_FORMAT', value: JSON.stringify(value) } }
    : { value };
}

/** A span id as OpenTelemetry writes it (16 hex), or the SDK's `span_<24 hex>` it derives from. */
function toSpanId(spanId: string): string {
  const hex = otelSpanIdFromSdk(String(spanId).trim().toLowerCase());
  if (!hex) throw new InvalidAssessmentError(`"${String(spanId).slice(0, 80)}" is not a span id: expected 16 hex characters or span_<24 hex>`);
  return hex;
}

function toSource(source: AssessmentSource | string | undefined): AssessmentSource {
  if (source === undefined) return { type: 'HUMAN', id: 'unknown' };
  if (typeof source === 'string') return { type: 'HUMAN', id: source };
  if (!['HUMAN', 'LLM_JUDGE', 'CODE'].includes(source.type)) {
    throw new InvalidAssessmentError(`assessment source type "${String(source.type)}" is not one of HUMAN, LLM_JUDGE, CODE`);
  }
  return source;
}

/** MLflow keeps metadata as strings: other values are stored as their JSON. */
function stringMetadata(metadata: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(checkAssessmentValue(`metadata ${key}`, value));
  }
  return out;
}

export function fromMlflowAssessment(stored: MlflowAssessment): LoggedAssessment {
  const kind = stored.expectation ? 'expectation' : 'feedback';
  const serialized = stored.expectation?.serialized_value?.value;
  const value = (serialized !== undefined ? JSON.parse(serialized) : (stored.expectation?.value ?? stored.feedback?.value)) as
    | AssessmentValue
    | undefined;
  return {
    assessmentId: stored.assessment_id,
    traceId: stored.trace_id,
    name: stored.assessment_name,
    kind,
    value,
    ...(stored.rationale ? { rationale: stored.rationale } : {}),
    source: { type: stored.source.source_type, id: stored.source.source_id },
    metadata: stored.metadata ?? {},
  };
}

/** Writes assessments to one MLflow server, waiting for traces still on their way and retrying outages. */
export class AssessmentWriter {
  readonly client: MlflowClient;
  readonly #waitMillis: number;
  readonly #retryMillis: number;

  constructor(options: AssessmentOptions & { client?: MlflowClient } = {}) {
    const { env = process.env, waitForTraceMillis, retryForMillis, client, ...connection } = options;
    if (!client && !connection.trackingUri && !env.MLFLOW_TRACKING_URI?.trim()) {
      throw new NoAssessmentBackendError(
        'no MLflow server to send the assessment to: set MLFLOW_TRACKING_URI (and MLFLOW_TRACKING_TOKEN or ' +
          'MLFLOW_TRACKING_USERNAME/PASSWORD if it needs them), or pass trackingUri',
      );
    }
    this.client = client ?? MlflowClient.fromEnv(connection, env);
    this.#waitMillis = waitForTraceMillis ?? DEFAULT_WAIT_MILLIS;
    this.#retryMillis = retryForMillis ?? DEFAULT_RETRY_MILLIS;
  }

  async create(traceId: string, input: MlflowAssessmentInput): Promise<LoggedAssessment> {
    const id = `tr-${parseTraceId(traceId)}`;
    const began = Date.now();
    let unsure = false;
    const stored = await this.#whenTraceExists(id, async () => {
      // A connection lost mid-request may have lost only the answer: look before writing twice.
      const earlier = unsure ? await this.#sameAs(id, input, began) : undefined;
      if (earlier) return earlier;
      try {
        return await this.client.createAssessment(id, input);
      } catch (error) {
        if (error instanceof MlflowError && error.retryable) unsure = true;
        throw error;
      }
    });
    return fromMlflowAssessment(stored);
  }

  /** An assessment equal to `input` that MLflow stored since this write began (clock skew allowed). */
  async #sameAs(id: string, input: MlflowAssessmentInput, began: number): Promise<MlflowAssessment | undefined> {
    const info = await this.client.getTraceInfo(id);
    const wanted = comparable(input);
    return info?.assessments.find(
      (a) => a.valid !== false && Date.parse(a.create_time ?? '') >= began - CLOCK_SKEW_MILLIS && comparable(a) === wanted,
    );
  }

  async update(
    traceId: string,
    assessmentId: string,
    update: Parameters<MlflowClient['updateAssessment']>[2],
  ): Promise<LoggedAssessment> {
    const id = `tr-${parseTraceId(traceId)}`;
    const stored = await this.#retrying(() => this.client.updateAssessment(id, assessmentId, update), id);
    return fromMlflowAssessment(stored);
  }

  async delete(traceId: string, assessmentId: string): Promise<void> {
    const id = `tr-${parseTraceId(traceId)}`;
    await this.#retrying(() => this.client.deleteAssessment(id, assessmentId), id);
  }

  async list(traceId: string): Promise<LoggedAssessment[]> {
    const id = `tr-${parseTraceId(traceId)}`;
    const info = await this.#retrying(() => this.client.getTraceInfo(id), id);
    if (!info) throw this.#notFound(id);
    return info.assessments.map(fromMlflowAssessment);
  }

  async #whenTraceExists<T>(id: string, attempt: () => Promise<T>): Promise<T> {
    const began = Date.now();
    for (;;) {
      try {
        return await this.#retrying(attempt, id);
      } catch (error) {
        if (!isMissingTrace(error)) throw error;
        if (Date.now() - began >= this.#waitMillis) throw this.#notFound(id);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  #retrying<T>(attempt: () => Promise<T>, id: string): Promise<T> {
    return withRetries(attempt, { retryForMillis: this.#retryMillis }).catch((error: unknown) => {
      if (isMissingTrace(error) || !(error instanceof MlflowError)) throw error;
      throw new MlflowError({
        kind: error.kind,
        ...(error.status === undefined ? {} : { status: error.status }),
        message: `${error.message} [trace ${id}]`,
      });
    });
  }

  #notFound(id: string): TraceNotFoundError {
    return new TraceNotFoundError(
      `trace ${id} is not in MLflow at ${this.client.trackingUri} (waited ${Math.round(this.#waitMillis / 1000)} s): ` +
        'check the trace id, and that MLFLOW_TRACKING_URI names the server the traces were sent to',
    );
  }
}

const CLOCK_SKEW_MILLIS = 60_000;

/** What makes two assessments the same write: everything but ids and times. */
function comparable(a: MlflowAssessmentInput): string {
  const metadata = Object.entries(a.metadata ?? {}).sort(([x], [y]) => x.localeCompare(y));
  const source = [a.source.source_type, a.source.source_id];
  return JSON.stringify([a.assessment_name, source, a.feedback ?? null, a.expectation ?? null, a.rationale || null, a.span_id || null, metadata]);
}

function isMissingTrace(error: unknown): boolean {
  return error instanceof MlflowError && error.status === 404 && /trace/i.test(error.message);
}
