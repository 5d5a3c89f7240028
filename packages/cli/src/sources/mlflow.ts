/**
 * MLflow, through the MLflow exporter's REST client, so the same MLFLOW_* variables and
 * credentials apply. One read: undefined while the trace is not there.
 */
import type { AttributeValue, FlatSpan } from '@agents-tracing/processor';
import { MlflowClient, type MlflowEnv, type MlflowSpan } from '@agents-tracing/exporter-mlflow';
import { REQUEST_TIMEOUT_MS, type BackendTrace } from './backend-trace.js';
import { mlflowDerivedMismatches } from './mlflow-derived.js';

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
  const spans = trace.spans.map(fromMlflowSpan);
  return { spans, tags: trace.info.tags, derivedMismatches: mlflowDerivedMismatches(spans, trace.info) };
}
