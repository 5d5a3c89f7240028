/** `agents-tracing feedback <trace-id> --name … --value …`: feedback or an expectation on a trace, in MLflow and/or over OTLP. */
import { MlflowError } from '@agents-tracing/exporter-mlflow';
import {
  InvalidAssessmentError,
  InvalidTraceIdError,
  logExpectation,
  logFeedback,
  NoAssessmentBackendError,
  OtlpConfigError,
  OtlpFeedbackError,
  TraceNotFoundError,
  type AssessmentValue,
  type LoggedAssessment,
} from '@agents-tracing/evaluation';
import { EXIT, type CommandResult } from './commands.js';
import { CliError } from './errors.js';

export interface FeedbackArgs {
  traceId: string;
  name: string | undefined;
  value: string | undefined;
  rationale: string | undefined;
  source: string | undefined;
  expectation: boolean;
  mlflowUri: string | undefined;
  waitMs: number;
  json: boolean;
}

/** `true`/`false`, numbers and JSON objects or arrays as such; anything else as text. */
export function parseFeedbackValue(text: string): AssessmentValue {
  const trimmed = text.trim();
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as AssessmentValue;
    } catch {
      throw new CliError(`--value looks like JSON but does not parse: ${trimmed.slice(0, 80)}`);
    }
  }
  return text;
}

export async function feedbackCommand(args: FeedbackArgs, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  if (!args.name) throw new CliError('feedback needs --name (e.g. --name helpful)');
  if (args.value === undefined) throw new CliError('feedback needs --value (true, false, a number, text or JSON)');
  const options = { env, waitForTraceMillis: args.waitMs, ...(args.mlflowUri ? { trackingUri: args.mlflowUri } : {}) };
  const value = parseFeedbackValue(args.value);
  const source = args.source ?? env.USER ?? 'cli';
  try {
    const logged = args.expectation
      ? await logExpectation(args.traceId, { name: args.name, value, source }, options)
      : await logFeedback(args.traceId, { name: args.name, value, source, ...(args.rationale ? { rationale: args.rationale } : {}) }, options);
    const output = args.json
      ? JSON.stringify(logged)
      : `logged ${logged.kind} ${logged.name}=${JSON.stringify(logged.value)} on trace ${logged.traceId} (${whereStored(logged)})`;
    return { output, exitCode: EXIT.OK };
  } catch (error) {
    const known = [TraceNotFoundError, NoAssessmentBackendError, InvalidAssessmentError, InvalidTraceIdError, MlflowError, OtlpFeedbackError, OtlpConfigError].some((type) => error instanceof type);
    if (known) throw new CliError((error as Error).message);
    throw error;
  }
}

function whereStored(logged: LoggedAssessment): string {
  if (logged.evaluationSpanId === undefined) return `assessment ${logged.assessmentId}`;
  if (logged.assessmentId === logged.evaluationSpanId) return `evaluation span ${logged.evaluationSpanId}`;
  return `assessment ${logged.assessmentId}, evaluation span ${logged.evaluationSpanId}`;
}
