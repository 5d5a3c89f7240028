/**
 * Reads metrics back from Prometheus' HTTP API with PromQL. Metrics pushed over OTLP show up a
 * moment after the push, so `waitForPrometheus` polls until the answer is what the caller waits for.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** One series of an instant query: its labels and its value at the query time. */
export interface PrometheusSample {
  labels: Record<string, string>;
  value: number;
}

interface QueryResponse {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

const POLL_INTERVAL_MS = 200;

const base = (url: string) => url.replace(/\/+$/, '');

/** Runs an instant PromQL query; a scalar or an empty answer gives an empty list. */
export async function queryPrometheus(url: string, promql: string): Promise<PrometheusSample[]> {
  const response = await fetch(`${base(url)}/api/v1/query?query=${encodeURIComponent(promql)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json().catch(() => ({ status: 'error', error: `HTTP ${response.status}` }))) as QueryResponse;
  if (body.status !== 'success' || !body.data) throw new Error(`Prometheus query ${promql} failed: ${body.error ?? response.status}`);
  if (body.data.resultType !== 'vector') return [];
  return body.data.result.map(({ metric, value }) => ({ labels: metric, value: Number(value[1]) }));
}

/** The one value of a query that aggregates to a single series, 0 when there is none. */
export async function queryPrometheusValue(url: string, promql: string): Promise<number> {
  const samples = await queryPrometheus(url, promql);
  if (samples.length > 1) throw new Error(`Prometheus query ${promql} gave ${samples.length} series, expected one`);
  return samples[0]?.value ?? 0;
}

/** Names of the series that match a selector, e.g. `{__name__=~"gen_ai_.*"}`. */
export async function prometheusSeries(url: string, match: string): Promise<Record<string, string>[]> {
  const response = await fetch(`${base(url)}/api/v1/series?match[]=${encodeURIComponent(match)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as { status: string; data?: Record<string, string>[]; error?: string };
  if (body.status !== 'success' || !body.data) throw new Error(`Prometheus series ${match} failed: ${body.error ?? response.status}`);
  return body.data;
}

export interface WaitForPrometheusOptions {
  /** Give up after this long (default 15 000 ms). */
  timeoutMs?: number;
}

/**
 * Polls a PromQL query until `ready` accepts its answer, and returns that answer. Times out with
 * the last answer in the error.
 */
export async function waitForPrometheus(
  url: string,
  promql: string,
  ready: (samples: PrometheusSample[]) => boolean,
  options: WaitForPrometheusOptions = {},
): Promise<PrometheusSample[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let last: PrometheusSample[] = [];
  let lastError: unknown;
  for (;;) {
    try {
      last = await queryPrometheus(url, promql);
      lastError = undefined;
      if (ready(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`Prometheus at ${url}: ${promql} not ready after ${timeoutMs} ms; last answer ${JSON.stringify(last)}${cause}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}
