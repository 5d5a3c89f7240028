/**
 * Reads a trace back from Jaeger's query API as a span tree.
 *
 * It uses `/api/v3/traces/{id}` (OTLP JSON) rather than the classic `/api/traces/{id}`: the
 * classic form turns array attributes into JSON strings, cuts times to microseconds and folds
 * kind, status and scope into tags, while the OTLP form keeps everything as it was sent.
 */
import {
  buildSpanTree,
  flatSpansFromOtlpJson,
  type OtlpTracesData,
} from '@agents-tracing/processor';
import { pollTrace, type ReadTrace, type ReadTraceOptions } from './poll.js';

export interface JaegerTrace extends ReadTrace {
  traceId: string;
  /** `service.name` of the process that sent the (first) root span. */
  serviceName: string | undefined;
}

function toJaegerTrace(traceId: string, data: OtlpTracesData): JaegerTrace {
  // Jaeger's query service may add `@jaeger@…` attributes (warnings, format); they are its own.
  const { spans, serviceBySpan } = flatSpansFromOtlpJson(data, {
    omitAttribute: (key) => key.startsWith('@jaeger@'),
  });
  const roots = buildSpanTree(spans);
  const firstRoot = roots[0];
  return {
    traceId,
    roots,
    spanCount: spans.length,
    serviceName: firstRoot ? serviceBySpan.get(firstRoot.spanId) : undefined,
  };
}

/**
 * Fetches trace `traceIdHex` from the Jaeger query API at `queryUrl`, polling until it exists
 * (and has `expectSpans` spans, if given). Times out with an error naming what was found.
 */
export async function readJaegerTrace(
  queryUrl: string,
  traceIdHex: string,
  options: ReadTraceOptions = {},
): Promise<JaegerTrace> {
  const traceId = traceIdHex.toLowerCase();
  const url = `${queryUrl.replace(/\/+$/, '')}/api/v3/traces/${traceId}`;
  return pollTrace(
    {
      describe: `Jaeger trace ${traceId} at ${queryUrl}`,
      async read() {
        const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        if (response.status === 404) {
          await response.body?.cancel();
          return undefined;
        }
        if (!response.ok) {
          throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
        }
        const body = (await response.json()) as { result?: OtlpTracesData };
        return toJaegerTrace(traceId, body.result ?? {});
      },
    },
    options,
  );
}
