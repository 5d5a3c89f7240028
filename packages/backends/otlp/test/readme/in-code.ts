import { readFileSync } from 'node:fs';
import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createOtlpSpanExporter } from '@agents-tracing/exporter-otlp';

export function tracingToCollector() {
  const exporter = createOtlpSpanExporter({
    // Every option is optional: the OTEL_EXPORTER_OTLP_* variables fill in the rest.
    protocol: 'grpc',
    endpoint: 'https://otel-collector.internal:4317',
    headers: { authorization: `Bearer ${process.env.OTEL_TOKEN}` },
    certificate: readFileSync('/etc/ssl/internal-ca.pem'),
    retry: { maxElapsedMillis: 60_000 }, // or false
    logger: console, // default: OpenTelemetry's diag
    onError: (failure) => console.error(`dropped ${failure.spanCount} spans (${failure.kind})`),
  });
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);

  // Later: { exportedSpans, retriedSpans, failedSpans, lastError? }
  const stats = exporter.getStats();
  return { provider, stats };
}
