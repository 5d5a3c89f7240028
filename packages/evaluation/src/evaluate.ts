/**
 * `evaluate()`: runs a task over a dataset with tracing to MLflow, scores every case, and records
 * it all the way `mlflow.genai.evaluate` does, so MLflow's "Evaluation runs" view, run comparison
 * and "Agent versions" view treat it as their own: a run tagged `mlflow.runType=genai_evaluate`,
 * every trace linked to it, each score an assessment on its trace, aggregate metrics and params
 * on the run.
 */
import { withTrace } from '@openai/agents-core';
import { setupAgentTracing, type AgentTracing, type DeliveryOptions, type SetupAgentTracingOptions } from '@agents-tracing/delivery';
import {
  MlflowClient,
  MlflowSpanExporter,
  resolveMlflowConfig,
  type AgentVersion,
  type MlflowAssessmentInput,
  type MlflowConnectionOptions,
  type MlflowEnv,
} from '@agents-tracing/exporter-mlflow';
import { AGENTS, describeThrown, type FlatSpan } from '@agents-tracing/processor';
import { collectAgentParams } from './agent-params.js';
import { agentRun, usageOf, type AgentRun } from './agent-run.js';
import { checkAssessmentValue, type AssessmentValue } from './assessment-value.js';
import { AssessmentWriter, toAssessmentInput } from './feedback.js';
import { computeMetrics, type CaseOutcome } from './metrics.js';
import { formatSummary, terminalProgress, type ProgressReporter } from './progress.js';
import { withRetries } from './retry.js';
import { scorerName, toScores, type Scorer } from './scorers.js';
import { SpanCollector } from './span-collector.js';

/** The exporter type setupAgentTracing takes; the collector fits it structurally. */
type TracingExporter = NonNullable<SetupAgentTracingOptions['exporters']>[number];

export interface EvaluationCase<I = unknown> {
  inputs: I;
  /** Ground truth for the scorers; each entry is also stored as an expectation on the trace. */
  expectations?: Record<string, unknown>;
}

/** A metric's bound: a number is a minimum. */
export type Threshold = number | { min?: number; max?: number };

export interface EvaluateOptions<I = unknown, O = unknown> {
  /** The run's name in MLflow, e.g. "concierge-v2". */
  name: string;
  data: Iterable<EvaluationCase<I>> | AsyncIterable<EvaluationCase<I>>;
  /** Runs the agent on one case's inputs and returns its answer. */
  task: (inputs: I) => Promise<O> | O;
  scorers: readonly Scorer<I, O>[];
  /** Experiment name, created when missing. Default: MLFLOW_EXPERIMENT_ID / MLFLOW_EXPERIMENT_NAME. */
  experiment?: string;
  /** Links every trace (and the run's metrics) to this agent version. */
  agentVersion?: AgentVersion;
  /** Cases run at once. Default 4. */
  concurrency?: number;
  /** A case whose task takes longer fails with a timeout. Default 120 s. */
  timeoutMillis?: number;
  /**
   * Bounds on metrics, e.g. `{ 'correct/pass_rate': 0.8, 'latency_ms/p95': { max: 5000 } }`:
   * `evaluate` rejects with EvaluationThresholdError (after logging everything) when one is missed.
   */
  thresholds?: Record<string, Threshold>;
  /** Connection settings; default: MLflow's environment variables. */
  mlflow?: MlflowConnectionOptions;
  /** Progress while it runs. Default: a line on stderr when it is a terminal. `false` for none. */
  progress?: ProgressReporter | false;
  /** Where the summary table goes. Default: console.log. `false` for none. */
  log?: ((text: string) => void) | false;
  /** Delivery settings of the spans; the defaults suit an evaluation. */
  delivery?: DeliveryOptions;
  /** How long to wait at the end for spans and assessments still on their way (MLflow down). Default 5 min. */
  deliveryTimeoutMillis?: number;
  env?: MlflowEnv & NodeJS.ProcessEnv;
}

export interface EvaluationCaseResult<I = unknown, O = unknown> {
  inputs: I;
  outputs: O | undefined;
  expectations: Record<string, unknown>;
  /** The SDK's `trace_<32 hex>`. */
  traceId: string;
  error: string | undefined;
  durationMs: number;
  scores: { name: string; value: AssessmentValue | undefined; rationale?: string; error?: string }[];
}

export interface EvaluationResult<I = unknown, O = unknown> {
  runId: string;
  experimentId: string;
  /** The agent version's logged model id, when one was given. */
  modelId: string | undefined;
  metrics: Record<string, number>;
  params: Record<string, string>;
  cases: EvaluationCaseResult<I, O>[];
  /** The run in the MLflow UI. */
  url: string;
}

export class EvaluationThresholdError extends Error {
  override name = 'EvaluationThresholdError';
  constructor(
    message: string,
    readonly result: EvaluationResult,
  ) {
    super(message);
  }
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_TIMEOUT_MILLIS = 120_000;
const DEFAULT_DELIVERY_TIMEOUT_MILLIS = 300_000;
/** How long a finished case waits for its root span to come through the pipeline. */
const SPANS_WAIT_MILLIS = 10_000;
const SOURCE_RUN_ID_KEY = 'mlflow.assessment.sourceRunId';
/** Spans on their way to MLflow above which no new case starts. */
const MAX_BACKLOG_SPANS = 2_000;

export async function evaluate<I, O>(options: EvaluateOptions<I, O>): Promise<EvaluationResult<I, O>> {
  const env = options.env ?? process.env;
  const connection = { ...options.mlflow, ...(options.experiment ? { experimentName: options.experiment, experimentId: undefined } : {}) };
  const config = resolveMlflowConfig(connection, env);
  const client = new MlflowClient({ trackingUri: config.trackingUri, auth: config.auth, timeoutMillis: config.timeoutMillis });
  const experimentId = 'id' in config.experiment ? config.experiment.id : await client.getOrCreateExperiment(config.experiment.name);
  const modelId = options.agentVersion
    ? (await client.getOrCreateLoggedModel(experimentId, options.agentVersion.name, options.agentVersion.params)).modelId
    : undefined;
  const run = await client.createRun({
    experimentId,
    runName: options.name,
    tags: { 'mlflow.runType': 'genai_evaluate', 'mlflow.source.type': 'LOCAL', 'mlflow.source.name': 'agents-tracing evaluate' },
  });
  const runId = run.run_id;
  if (modelId) await client.logRunModelInputs(runId, [modelId]);

  const collector = new SpanCollector();
  const exporter = new MlflowSpanExporter(
    {
      ...connection,
      experimentId,
      experimentName: undefined,
      runId,
      ...(options.agentVersion ? { agentVersion: options.agentVersion } : {}),
    } as ConstructorParameters<typeof MlflowSpanExporter>[0],
    env,
  );
  const tracing = await setupAgentTracing({
    exporters: [exporter, collector as unknown as TracingExporter],
    registerGlobal: false,
    exitHooks: false,
    delivery: { scheduledDelayMillis: 20, ...options.delivery },
    spoolDir: false,
  });

  const started = Date.now();
  const report = options.progress === false ? undefined : (options.progress ?? terminalProgress());
  const total = Array.isArray(options.data) ? options.data.length : undefined;
  const cases: EvaluationCaseResult<I, O>[] = [];
  const outcomes: CaseOutcome[] = [];
  const params = new Map<string, string>();
  const pendingAssessments: { traceId: string; input: ReturnType<typeof toAssessmentInput> }[] = [];
  let failed = 0;
  const scorers = options.scorers.map((fn, i) => {
    const name = scorerName(fn as Scorer, i);
    return { fn, name, source: fn.scorerSource ?? { type: 'CODE' as const, id: name } };
  });

  const runCase = async (item: EvaluationCase<I>, index: number): Promise<void> => {
    // Cases can outrun MLflow by far: wait for the backlog to shrink instead of queueing spans
    // until the queue drops some.
    while (tracing.stats().pending > MAX_BACKLOG_SPANS) await new Promise((resolve) => setTimeout(resolve, 50));
    const expectations = item?.expectations ?? {};
    const began = Date.now();
    let outputs: O | undefined;
    let error: string | undefined;
    let traceId = '';
    await withTrace(options.name, async (trace) => {
      traceId = trace.traceId;
      try {
        outputs = await withTimeout(Promise.resolve().then(() => options.task(item.inputs)), options.timeoutMillis ?? DEFAULT_TIMEOUT_MILLIS);
      } catch (thrown) {
        error = describeThrown(thrown);
      }
    }, { metadata: { evaluation: options.name, case: String(index) } });
    const durationMs = Date.now() - began;
    tracing.processor.processPending();
    const spans = await collector.take(traceId.replace(/^trace_/, ''), SPANS_WAIT_MILLIS);
    const view = agentRun<I, O>({ inputs: item.inputs, outputs, expectations, traceId, error, spans, durationMs });
    const scores: EvaluationCaseResult['scores'] = [];
    for (const { fn, name, source } of scorers) {
      try {
        for (const score of toScores(await fn(view), name)) {
          const value = checkAssessmentValue(score.name as string, score.value);
          scores.push({ name: score.name as string, value, ...(score.rationale ? { rationale: score.rationale } : {}) });
          pendingAssessments.push({
            traceId,
            input: withRoot(
              toAssessmentInput(
                { ...score, name: score.name as string, value, source: score.source ?? source, metadata: { ...score.metadata, [SOURCE_RUN_ID_KEY]: runId } },
                'feedback',
              ),
              spans,
            ),
          });
        }
      } catch (thrown) {
        const message = describeThrown(thrown);
        scores.push({ name, value: undefined, error: message });
        pendingAssessments.push({
          traceId,
          input: withRoot(
            {
              assessment_name: name,
              source: { source_type: source.type, source_id: source.id },
              feedback: { error: { error_code: 'SCORER_ERROR', error_message: message.slice(0, 1000) } },
              metadata: { [SOURCE_RUN_ID_KEY]: runId },
            },
            spans,
          ),
        });
      }
    }
    for (const [key, value] of Object.entries(expectations)) {
      try {
        pendingAssessments.push({
          traceId,
          input: withRoot(toAssessmentInput({ name: key, value: value as AssessmentValue, source: { type: 'HUMAN', id: 'dataset' } }, 'expectation'), spans),
        });
      } catch (thrown) {
        scores.push({ name: `expectation ${key}`, value: undefined, error: describeThrown(thrown) });
      }
    }
    collectAgentParams(view.tree, params);
    if (error !== undefined) failed += 1;
    const tools = view.toolCalls();
    outcomes.push({
      failed: error !== undefined,
      durationMs,
      ...usageOf(spans),
      toolCalls: tools.length,
      toolErrors: tools.filter((s) => s.status.code === 'ERROR').length,
      guardrailTrips: view.guardrailTrips().length,
      scores,
    });
    cases.push({ inputs: item.inputs, outputs, expectations, traceId, error, durationMs, scores });
    report?.({ name: options.name, done: cases.length, total, failed, elapsedMs: Date.now() - started });
  };

  try {
    await runPool(options.data, options.concurrency ?? DEFAULT_CONCURRENCY, runCase);
    const deliveryTimeout = options.deliveryTimeoutMillis ?? DEFAULT_DELIVERY_TIMEOUT_MILLIS;
    // MLflow may go down at any point: what follows waits it out, as span delivery does.
    const retried = <T>(attempt: () => Promise<T>): Promise<T> => withRetries(attempt, { retryForMillis: deliveryTimeout });
    await drainSpans(tracing, deliveryTimeout, config.trackingUri);
    const writer = new AssessmentWriter({ client, retryForMillis: deliveryTimeout });
    await retried(() => client.linkTracesToRun(runId, cases.map((c) => c.traceId.replace(/^trace_/, ''))));
    await runPool(pendingAssessments, 8, ({ traceId, input }) => writer.create(traceId, input).then(() => undefined));
    const metrics = computeMetrics(outcomes);
    const paramRecord = Object.fromEntries([...params].sort(([a], [b]) => a.localeCompare(b)));
    if (options.agentVersion) paramRecord['agent_version'] = options.agentVersion.name;
    await retried(() =>
      client.logBatch(runId, {
        metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, ...(modelId ? { modelId } : {}) })),
        params: paramRecord,
      }),
    );
    await retried(() => client.updateRun(runId, 'FINISHED'));
    const result: EvaluationResult<I, O> = {
      runId,
      experimentId,
      modelId,
      metrics,
      params: paramRecord,
      cases,
      url: `${config.trackingUri}/#/experiments/${experimentId}/evaluation-runs?selectedRunUuid=${runId}`,
    };
    const log = options.log === false ? undefined : (options.log ?? ((text: string) => console.log(text)));
    log?.(formatSummary(`${options.name}: ${cases.length} cases, ${failed} failed  →  ${result.url}`, metrics));
    const missed = missedThresholds(metrics, options.thresholds ?? {});
    if (missed.length > 0) {
      throw new EvaluationThresholdError(`evaluation "${options.name}" missed its thresholds: ${missed.join('; ')}`, result as EvaluationResult);
    }
    return result;
  } catch (error) {
    if (!(error instanceof EvaluationThresholdError)) await client.updateRun(runId, 'FAILED').catch(() => undefined);
    throw error;
  } finally {
    await tracing.shutdown();
  }
}


/** Scores belong to the trace's root span, where MLflow's evaluation views look for them. */
function withRoot(input: MlflowAssessmentInput, spans: readonly FlatSpan[]): MlflowAssessmentInput {
  const root = spans.find((span) => span.parentSpanId === undefined && span.attributes[AGENTS.SPAN_TYPE] === 'trace');
  return root && input.span_id === undefined ? { ...input, span_id: root.spanId } : input;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMillis: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the task did not finish within ${timeoutMillis} ms (timeoutMillis)`)), timeoutMillis);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `work` over the items with at most `concurrency` at once, pulling lazily from the source. */
async function runPool<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  let index = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (firstError !== undefined) return;
      const next = await iterator.next();
      if (next.done) return;
      try {
        await work(next.value, index++);
      } catch (error) {
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(concurrency)) }, worker));
  if (firstError !== undefined) throw firstError;
}

/** Waits until every span was delivered (retried while MLflow is down), up to `timeoutMillis`. */
async function drainSpans(tracing: AgentTracing, timeoutMillis: number, trackingUri: string): Promise<void> {
  const began = Date.now();
  for (;;) {
    await tracing.forceFlush();
    const { pending } = tracing.stats();
    if (pending === 0) return;
    if (Date.now() - began >= timeoutMillis) {
      throw new Error(
        `${pending} spans of the evaluation were still not delivered to MLflow at ${trackingUri} after ${Math.round(timeoutMillis / 1000)} s: ` +
          'is the server running? Raise deliveryTimeoutMillis to wait longer.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function missedThresholds(metrics: Record<string, number>, thresholds: Record<string, Threshold>): string[] {
  const missed: string[] = [];
  for (const [key, bound] of Object.entries(thresholds)) {
    const value = metrics[key];
    const { min, max } = typeof bound === 'number' ? { min: bound, max: undefined } : bound;
    if (value === undefined) missed.push(`${key} was not measured`);
    else if (min !== undefined && value < min) missed.push(`${key} = ${value} < ${min}`);
    else if (max !== undefined && value > max) missed.push(`${key} = ${value} > ${max}`);
  }
  return missed;
}

export type { AgentRun };
