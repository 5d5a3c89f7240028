/**
 * Jaeger (its OTLP JSON query API) and MLflow (the MLflow exporter's REST client, so the same
 * MLFLOW_* variables and credentials apply). One read each: undefined while the trace is not there.
 */
import type { AttributeValue, FlatSpan } from '@agents-tracing/processor';
import { MlflowClient, type MlflowEnv, type MlflowSpan } from '@agents-tracing/exporter-mlflow';
import { spansOfTrace, type OtlpTracesData } from './otlp-json.js';

export interface BackendTrace {
  spans: FlatSpan[];
  /** MLflow's trace tags; empty for Jaeger and files. */
  tags: Record<string, string>;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * `/api/v3/traces/{id}` keeps attribute types, times in nanoseconds and the span kind, where the
 * classic `/api/traces/{id}` turns arrays into text and times into microseconds.
 */
export async function readFromJaeger(queryUrl: string, traceId: string): Promise<BackendTrace | undefined> {
  const url = `${queryUrl.replace(/\/+$/, '')}/api/v3/traces/${traceId}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  const body = (await response.json()) as { result?: OtlpTracesData };
  const spans = spansOfTrace(body.result ?? {}, traceId).map((span) => ({
    ...span,
    // Jaeger's own annotations (warnings, format), not part of the span that was sent.
    attributes: Object.fromEntries(Object.entries(span.attributes).filter(([key]) => !key.startsWith('@jaeger@'))),
  }));
  return spans.length > 0 ? { spans, tags: {} } : undefined;
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** MLflow hands JSON-valued attributes back decoded; objects become compact JSON text again. */
function attributeValue(value: unknown): AttributeValue {
  if (isScalar(value)) return value;
  if (Array.isArray(value) && value.every(isScalar)) return value;
  return JSON.stringify(value) ?? String(value);
}

function fromMlflowSpan(span: MlflowSpan): FlatSpan {
  const attributes: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (value !== null && value !== undefined) attributes[key] = attributeValue(value);
  }
  return {
    name: span.name,
    // MLflow does not keep the span kind.
    kind: 'INTERNAL',
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    startTime: span.startTimeMs,
    endTime: span.endTimeMs ?? span.startTimeMs,
    status: span.status,
    attributes,
    events: [],
  };
}

export function mlflowClient(trackingUri: string, env: MlflowEnv): MlflowClient {
  return MlflowClient.fromEnv({ trackingUri, timeoutMillis: REQUEST_TIMEOUT_MS }, env);
}

export async function readFromMlflow(client: MlflowClient, traceId: string): Promise<BackendTrace | undefined> {
  const trace = await client.getTrace(traceId);
  if (!trace || trace.spans.length === 0) return undefined;
  return { spans: trace.spans.map(fromMlflowSpan), tags: trace.info.tags };
}
