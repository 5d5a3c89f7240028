import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

export function exportAsync(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** How many of the bodies carry the span's name (protobuf and JSON both keep strings as UTF-8). */
export function countContaining(bodies: readonly Buffer[], text: string): number {
  return bodies.filter((body) => body.includes(text)).length;
}
