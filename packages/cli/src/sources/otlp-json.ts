/**
 * OTLP JSON (protobuf's JSON mapping), the format of the trace file the embedded exporter writes
 * and of Jaeger's query API, read into flat spans.
 */
import { flatSpansFromOtlpJson, type FlatSpan, type OtlpTracesData } from '@agents-tracing/processor';

export type { OtlpTracesData };

/** The spans of one trace (32 lowercase hex) in an OTLP JSON document. */
export function spansOfTrace(data: OtlpTracesData, traceId: string): FlatSpan[] {
  return flatSpansFromOtlpJson(data).spans.filter((span) => span.traceId === traceId);
}
