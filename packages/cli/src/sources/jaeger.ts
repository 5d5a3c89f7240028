/** Jaeger, through its OTLP JSON query API. One read: undefined while the trace is not there. */
import { CliError } from '../errors.js';
import { REQUEST_TIMEOUT_MS, type BackendTrace } from './backend-trace.js';
import { spansOfTrace, type OtlpTracesData } from './otlp-json.js';

/**
 * `/api/v3/traces/{id}` keeps attribute types, times in nanoseconds and the span kind, where the
 * classic `/api/traces/{id}` turns arrays into text and times into microseconds.
 */
export async function readFromJaeger(queryUrl: string, traceId: string): Promise<BackendTrace | undefined> {
  const url = `${queryUrl.replace(/\/+$/, '')}/api/v3/traces/${traceId}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    // Kept trying until the wait is over: Jaeger may be starting.
    throw new Error(describeFetchFailure(error, queryUrl));
  }
  const text = await response.text();
  const body = parseBody(text);
  if (response.status === 404 && !/^\s*</.test(text)) return undefined;
  if (body === undefined) {
    const what = /^\s*</.test(text) ? 'an HTML page' : 'something that is not JSON';
    throw new CliError(
      `${what} answered at ${url} (HTTP ${response.status}): is ${queryUrl} Jaeger's query service (port 16686), and not behind a login or proxy?`,
    );
  }
  if (!response.ok) throw new Error(`Jaeger at ${queryUrl} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
  const spans = spansOfTrace((body as { result?: OtlpTracesData }).result ?? {}, traceId).map((span) => ({
    ...span,
    // Jaeger's own annotations (warnings, format), not part of the span that was sent.
    attributes: Object.fromEntries(Object.entries(span.attributes).filter(([key]) => !key.startsWith('@jaeger@'))),
  }));
  return spans.length > 0 ? { spans, tags: {} } : undefined;
}


function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** fetch says only "fetch failed": the socket error is in `cause`. */
function describeFetchFailure(error: unknown, queryUrl: string): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if ((error as Error).name === 'TimeoutError') return `Jaeger at ${queryUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  if (code === 'ECONNREFUSED') return `nothing answers at ${queryUrl} (connection refused): is Jaeger running, and is this its query port (16686)?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host of ${queryUrl} does not resolve: check --jaeger-url or JAEGER_QUERY_URL`;
  return `cannot reach Jaeger at ${queryUrl} (${code ?? (error as Error).message})`;
}
