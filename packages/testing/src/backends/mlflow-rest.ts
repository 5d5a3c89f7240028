/**
 * The few MLflow REST calls tests need: experiments to send traces to, and traces to read back.
 * Deliberately minimal; applications use the MLflow exporter's own client.
 */

export class MlflowRestError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errorCode: string | undefined,
    detail: string,
  ) {
    const code = errorCode ? ` ${errorCode}` : '';
    super(`MLflow ${method} ${path} answered ${status}${code}: ${detail}`);
    this.name = 'MlflowRestError';
  }
}

/**
 * `reviver` keeps 64-bit integers that JSON numbers cannot hold exactly (MLflow writes span
 * times in nanoseconds as plain numbers) as bigint when `exactKeys` names them.
 */
function parseJson(text: string, exactKeys: RegExp | undefined): unknown {
  if (!exactKeys) return JSON.parse(text);
  return JSON.parse(text, (key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && exactKeys.test(key) && context?.source !== undefined
      ? BigInt(context.source)
      : value,
  );
}

export interface MlflowRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | readonly string[]>;
  body?: unknown;
  /** JSON keys whose integer values must stay exact (parsed as bigint). */
  exactKeys?: RegExp;
}

export async function mlflowRequest<T>(trackingUri: string, request: MlflowRequest): Promise<T> {
  const url = new URL(request.path, trackingUri.replace(/\/*$/, '/'));
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const item of typeof value === 'string' ? [value] : value) {
      url.searchParams.append(name, item);
    }
  }
  const response = await fetch(url, {
    method: request.method,
    headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) {
    let errorCode: string | undefined;
    let detail = text;
    try {
      const error = JSON.parse(text) as { error_code?: string; message?: string };
      errorCode = error.error_code;
      detail = error.message ?? text;
    } catch {
      // Not JSON (a proxy or HTML error page): keep the raw text.
    }
    throw new MlflowRestError(request.method, request.path, response.status, errorCode, detail);
  }
  return parseJson(text, request.exactKeys) as T;
}

/** Creates an experiment and returns its id. */
export async function createMlflowExperiment(trackingUri: string, name: string): Promise<string> {
  const created = await mlflowRequest<{ experiment_id: string }>(trackingUri, {
    method: 'POST',
    path: 'api/2.0/mlflow/experiments/create',
    body: { name },
  });
  return created.experiment_id;
}

/** The id of the experiment called `name`, or undefined when there is none. */
export async function findMlflowExperimentId(
  trackingUri: string,
  name: string,
): Promise<string | undefined> {
  try {
    const found = await mlflowRequest<{ experiment: { experiment_id: string } }>(trackingUri, {
      method: 'GET',
      path: 'api/2.0/mlflow/experiments/get-by-name',
      query: { experiment_name: name },
    });
    return found.experiment.experiment_id;
  } catch (error) {
    if (error instanceof MlflowRestError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') {
      return undefined;
    }
    throw error;
  }
}
