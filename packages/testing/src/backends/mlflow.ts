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
  type AttributeValue,
  type FlatSpan,
  type SpanStatusName,
} from '@agents-tracing/processor';
import { mlflowRequest } from './mlflow-rest.js';
import { pollTrace, type ReadTrace, type ReadTraceOptions } from './poll.js';
import { nanosToMillis, spanStatus, toAttributeValue } from './values.js';

/** OTLP as MLflow's REST layer writes it: snake_case, ids in base64, times as exact integers. */
interface MlflowAnyValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: number | string;
  double_value?: number | string;
  bytes_value?: string;
  array_value?: { values?: MlflowAnyValue[] };
  kvlist_value?: { values?: MlflowKeyValue[] };
}
interface MlflowKeyValue {
  key: string;
  value?: MlflowAnyValue;
}
interface MlflowSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_time_unix_nano: bigint;
  end_time_unix_nano?: bigint;
  attributes?: MlflowKeyValue[];
  events?: { time_unix_nano: bigint; name: string; attributes?: MlflowKeyValue[] }[];
  status?: { code?: string; message?: string };
}
interface MlflowTraceInfoJson {
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
interface BatchGetResponse {
  traces?: { trace_info: MlflowTraceInfoJson; spans?: MlflowSpan[] }[];
}

/** MLflow's own per-span bookkeeping, not something the exporter sent. */
const MLFLOW_ADDED_ATTRIBUTES = new Set(['mlflow.traceRequestId']);

function decodeAnyValue(value: MlflowAnyValue | undefined): unknown {
  if (value === undefined) return null;
  if (value.string_value !== undefined) return value.string_value;
  if (value.bool_value !== undefined) return value.bool_value;
  if (value.int_value !== undefined) return Number(value.int_value);
  if (value.double_value !== undefined) return Number(value.double_value);
  if (value.bytes_value !== undefined) return value.bytes_value;
  if (value.array_value !== undefined) return (value.array_value.values ?? []).map(decodeAnyValue);
  if (value.kvlist_value !== undefined) {
    const out: Record<string, unknown> = {};
    for (const kv of value.kvlist_value.values ?? []) out[kv.key] = decodeAnyValue(kv.value);
    return out;
  }
  return null;
}

function attributesOf(
  list: MlflowKeyValue[] | undefined,
  skip: ReadonlySet<string> = new Set(),
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    if (!skip.has(key)) out[key] = toAttributeValue(decodeAnyValue(value));
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

function toFlatSpan(span: MlflowSpan): FlatSpan {
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
    attributes: attributesOf(span.attributes, MLFLOW_ADDED_ATTRIBUTES),
    events: (span.events ?? []).map((event) => ({
      name: event.name,
      time: nanosToMillis(event.time_unix_nano),
      attributes: attributesOf(event.attributes),
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
  info: MlflowTraceInfoJson,
  spans: readonly MlflowSpan[],
): MlflowTrace {
  const roots = buildSpanTree(spans.map(toFlatSpan));
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
        return found && toMlflowTrace(traceId, found.trace_info, found.spans ?? []);
      },
      notReady: (trace) =>
        trace.info.state === 'IN_PROGRESS'
          ? 'MLflow to finish the trace (its root span has not arrived)'
          : undefined,
    },
    options,
  );
}
