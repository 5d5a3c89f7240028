/**
 * Where a demo trace can be looked at, from the environment the demo ran with: the Jaeger query
 * API (Jaeger built from source serves a placeholder UI page), the MLflow UI, or the local file.
 */
export function whereToLook(sdkTraceId: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const hex = sdkTraceId.replace(/^trace_/, '');
  const places: string[] = [];
  if (env.JAEGER_QUERY_URL) {
    places.push(`Jaeger query API: ${env.JAEGER_QUERY_URL}/api/traces/${hex}`);
  } else if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    places.push(`OTLP backend: trace id ${hex}`);
  }
  if (env.MLFLOW_TRACKING_URI) {
    const experiment = env.MLFLOW_EXPERIMENT_ID ? `#/experiments/${env.MLFLOW_EXPERIMENT_ID}/traces` : '#/experiments';
    places.push(`MLflow: ${env.MLFLOW_TRACKING_URI.replace(/\/+$/, '')}/${experiment} (trace tr-${hex})`);
  }
  if (places.length === 0) places.push(`file: traces/agent-traces.otlp.jsonl (trace ${hex})`);
  return places;
}
