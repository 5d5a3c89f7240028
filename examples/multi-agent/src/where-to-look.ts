/**
 * Where a demo trace can be looked at, from the environment the demo ran with: the Jaeger query
 * API (Jaeger built from source serves a placeholder UI page), the Phoenix UI, the MLflow UI, or
 * the local file.
 */
export function whereToLook(sdkTraceId: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const hex = sdkTraceId.replace(/^trace_/, '');
  const places: string[] = [];
  if (env.JAEGER_QUERY_URL) {
    places.push(`Jaeger query API: ${env.JAEGER_QUERY_URL}/api/traces/${hex}`);
  } else if (env.PHOENIX_COLLECTOR_ENDPOINT) {
    places.push(`Phoenix: ${phoenixTraceUrl(env.PHOENIX_COLLECTOR_ENDPOINT, hex)}`);
  } else if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    places.push(`OTLP backend: trace id ${hex}`);
  }
  if (env.MLFLOW_TRACKING_URI) places.push(`MLflow: ${mlflowPlace(env.MLFLOW_TRACKING_URI, env, hex)}`);
  if (places.length === 0) places.push(`file: traces/agent-traces.otlp.jsonl (trace ${hex})`);
  return places;
}

/**
 * The Phoenix UI page of one trace: Phoenix's own link by OpenTelemetry trace id, which opens the
 * trace in whichever project holds it. `phoenixUrl` is the server's address
 * (`PHOENIX_COLLECTOR_ENDPOINT`, as Phoenix's own clients name it).
 */
export function phoenixTraceUrl(phoenixUrl: string, traceId: string): string {
  return `${uiBase(phoenixUrl)}/redirects/traces/${traceId.replace(/^trace_/, '')}`;
}

/**
 * The MLflow UI page of one trace: the experiment's Traces tab with the trace open, the address
 * MLflow 3.17's own UI shows for it. `trackingUri` may carry a path prefix; credentials in it are
 * left out.
 */
export function mlflowTraceUrl(trackingUri: string, experimentId: string, sdkTraceId: string): string {
  const traceId = `tr-${sdkTraceId.replace(/^trace_/, '')}`;
  return `${uiBase(trackingUri)}/#/experiments/${experimentId}/traces?selectedEvaluationId=${traceId}`;
}

/**
 * The experiment is the exporter's: MLFLOW_EXPERIMENT_ID, else MLFLOW_EXPERIMENT_NAME (whose id
 * only the server knows), else MLflow's "Default" experiment, id 0.
 */
function mlflowPlace(trackingUri: string, env: NodeJS.ProcessEnv, hex: string): string {
  const id = env.MLFLOW_EXPERIMENT_ID?.trim();
  const name = env.MLFLOW_EXPERIMENT_NAME?.trim();
  if (!id && name) return `${uiBase(trackingUri)}/#/experiments, experiment "${name}", trace tr-${hex}`;
  return mlflowTraceUrl(trackingUri, id || '0', hex);
}

/** The server's address without credentials, query or trailing slash. */
function uiBase(address: string): string {
  try {
    const url = new URL(address.trim());
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return address.trim().replace(/\/+$/, '');
  }
}
