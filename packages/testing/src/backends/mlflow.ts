/**
 * Reads a trace back from an MLflow tracking server as a span tree plus MLflow's trace info.
 *
 * What survives a trip through MLflow 3.17 (OTLP ingestion, read through `traces/batchGet`):
 * - kept: ids and parents, names, start and end times (ns), status code and message, events
 *   (name, time, typed attributes), numbers, booleans and arrays in attributes.
 * - lost: the span kind (every span reads back as INTERNAL here), the instrumentation scope, and
 *   resource attributes other than `service.name`, which becomes a trace tag.
 * - changed: MLflow stores span attributes JSON-encoded and hands them back decoded. A string
 *   whose text is a JSON object, array or quoted string counts as already encoded, so
 *   `'"AGENT"'` reads back as `'AGENT'`, `'["a"]'` as `['a']`, and `'{"a":1}'` as the object,
 *   which this reader writes back as compact JSON. Other strings (`'123'`, `'true'`) are kept.
 * - added: `mlflow.traceRequestId` on every span (dropped here, it repeats the trace id), and
 *   `mlflow.spanType` derived from `gen_ai.operation.name` when a span has none (kept).
 * Compare only what is kept; compare JSON-valued attributes by their decoded value.
 * (`GET /api/3.0/mlflow/traces/{id}` answers the trace info only; the spans come from batchGet.)
 */
import {
  buildSpanTree,
  nanosToMillis,
  spanStatus,
  toAttributeValue,
  type AttributeValue,
  type FlatSpan,
  type SpanStatusName,
} from '@agents-tracing/processor';
import type { MlflowRestAnyValue, MlflowRestKeyValue, MlflowRestTraceInfo } from '@agents-tracing/exporter-mlflow';
import { mlflowRequest } from './mlflow-rest.js';
import { pollTrace, type ReadTrace, type ReadTraceOptions } from './poll.js';

/** A span as MLflow's REST layer writes it: snake_case, ids in base64, times as exact integers. */
interface MlflowSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_time_unix_nano: bigint;
  end_time_unix_nano?: bigint;
  attributes?: MlflowRestKeyValue[];
  events?: { time_unix_nano: bigint; name: string; attributes?: MlflowRestKeyValue[] }[];
  status?: { code?: string; message?: string };
}
interface BatchGetResponse {
  traces?: { trace_info: MlflowRestTraceInfo; spans?: MlflowSpan[] }[];
}

/** MLflow's own per-span bookkeeping, not something the exporter sent. */
const MLFLOW_ADDED_ATTRIBUTES = new Set(['mlflow.traceRequestId']);

/** MLflow's REST value decoder, from the MLflow exporter package (an optional peer). */
type DecodeValue = (value: MlflowRestAnyValue | undefined) => unknown;

async function loadValueDecoder(): Promise<DecodeValue> {
  try {
    return (await import('@agents-tracing/exporter-mlflow')).decodeMlflowAnyValue;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error('readMlflowTrace() needs @agents-tracing/exporter-mlflow: add it to your devDependencies.');
  }
}

function attributesOf(
  list: MlflowRestKeyValue[] | undefined,
  decode: DecodeValue,
  skip: ReadonlySet<string> = new Set(),
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    if (!skip.has(key)) out[key] = toAttributeValue(decode(value));
  }
  return out;
}

function base64ToHex(id: string): string {
  return Buffer.from(id, 'base64').toString('hex');
}

const STATUS_CODES: Record<string, SpanStatusName> = {
  STATUS_CODE_OK: 'OK',
  STATUS_CODE_ERROR: 'ERROR',
};

function toFlatSpan(span: MlflowSpan, decode: DecodeValue): FlatSpan {
  const startTime = nanosToMillis(span.start_time_unix_nano);
  return {
    name: span.name,
    kind: 'INTERNAL',
    traceId: base64ToHex(span.trace_id),
    spanId: base64ToHex(span.span_id),
    ...(span.parent_span_id ? { parentSpanId: base64ToHex(span.parent_span_id) } : {}),
    startTime,
    endTime:
      span.end_time_unix_nano === undefined ? startTime : nanosToMillis(span.end_time_unix_nano),
    status: spanStatus(STATUS_CODES[span.status?.code ?? ''] ?? 'UNSET', span.status?.message),
    attributes: attributesOf(span.attributes, decode, MLFLOW_ADDED_ATTRIBUTES),
    events: (span.events ?? []).map((event) => ({
      name: event.name,
      time: nanosToMillis(event.time_unix_nano),
      attributes: attributesOf(event.attributes, decode),
    })),
  };
}

export interface MlflowTokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface MlflowTraceInfo {
  /** `tr-` + the 32-hex OTel trace id. */
  mlflowTraceId: string;
  experimentId: string | undefined;
  /** `OK` or `ERROR` (the root span's status) once the root arrived, `IN_PROGRESS` before. */
  state: string;
  /** The trace name the UI lists: the `mlflow.traceName` tag, else the root span's name. */
  name: string | undefined;
  /** Milliseconds since the epoch. */
  requestTime: number | undefined;
  executionDurationMs: number | undefined;
  /** From the root span's `mlflow.spanInputs` / `mlflow.spanOutputs`, as stored (JSON text). */
  requestPreview: string | undefined;
  responsePreview: string | undefined;
  tags: Record<string, string>;
  /** Includes `mlflow.trace.session`, `mlflow.trace.user`, `mlflow.trace.tokenUsage`. */
  metadata: Record<string, string>;
  /**
   * MLflow's trace total of `mlflow.chat.tokenUsage`: it sums the topmost spans that carry it and
   * skips spans whose ancestor already has usage, so usage rolled up on a parent wins.
   */
  tokenUsage: MlflowTokenUsage | undefined;
}

export interface MlflowTrace extends ReadTrace {
  /** 32 lowercase hex characters. */
  traceId: string;
  info: MlflowTraceInfo;
}

function parseTokenUsage(json: string | undefined): MlflowTokenUsage | undefined {
  if (json === undefined) return undefined;
  const usage = JSON.parse(json) as Record<string, number | undefined>;
  return {
    inputTokens: usage['input_tokens'] ?? 0,
    outputTokens: usage['output_tokens'] ?? 0,
    totalTokens: usage['total_tokens'] ?? 0,
  };
}

function toMlflowTrace(
  traceId: string,
  info: MlflowRestTraceInfo,
  spans: readonly MlflowSpan[],
  decode: DecodeValue,
): MlflowTrace {
  const roots = buildSpanTree(spans.map((span) => toFlatSpan(span, decode)));
  const tags = info.tags ?? {};
  const metadata = info.trace_metadata ?? {};
  return {
    traceId,
    roots,
    spanCount: spans.length,
    info: {
      mlflowTraceId: info.trace_id,
      experimentId: info.trace_location?.mlflow_experiment?.experiment_id,
      state: info.state ?? 'STATE_UNSPECIFIED',
      name: tags['mlflow.traceName'] ?? roots.find((root) => root.parentSpanId === undefined)?.name,
      requestTime: info.request_time === undefined ? undefined : Date.parse(info.request_time),
      executionDurationMs:
        info.execution_duration === undefined
          ? undefined
          : Number.parseFloat(info.execution_duration) * 1000,
      requestPreview: info.request_preview,
      responsePreview: info.response_preview,
      tags,
      metadata,
      tokenUsage: parseTokenUsage(metadata['mlflow.trace.tokenUsage']),
    },
  };
}

/**
 * Fetches trace `traceIdHex` (the OTel id; MLflow's is `tr-<hex>`) from the tracking server,
 * polling until MLflow has it and marks it finished (its root span arrived) and, if given,
 * `expectSpans` spans arrived. Times out with an error naming what was found.
 */
export async function readMlflowTrace(
  trackingUri: string,
  traceIdHex: string,
  options: ReadTraceOptions = {},
): Promise<MlflowTrace> {
  const traceId = traceIdHex.toLowerCase();
  const mlflowTraceId = `tr-${traceId}`;
  const decode = await loadValueDecoder();
  return pollTrace(
    {
      describe: `MLflow trace ${mlflowTraceId} at ${trackingUri}`,
      async read() {
        const response = await mlflowRequest<BatchGetResponse>(trackingUri, {
          method: 'GET',
          path: 'api/3.0/mlflow/traces/batchGet',
          query: { trace_ids: mlflowTraceId },
          exactKeys: /_unix_nano$/,
        });
        const found = response.traces?.[0];
        return found && toMlflowTrace(traceId, found.trace_info, found.spans ?? [], decode);
      },
      notReady: (trace) =>
        trace.info.state === 'IN_PROGRESS'
          ? 'MLflow to finish the trace (its root span has not arrived)'
          : undefined,
    },
    options,
  );
}
