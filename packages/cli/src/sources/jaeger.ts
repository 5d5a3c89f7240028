/** Jaeger, through its OTLP JSON query API. One read: undefined while the trace is not there. */
import { REQUEST_TIMEOUT_MS, type BackendTrace } from './backend-trace.js';
import { spansOfTrace, type OtlpTracesData } from './otlp-json.js';

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

