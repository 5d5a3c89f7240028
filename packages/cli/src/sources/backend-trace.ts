/** What one read of a backend or file gives. */
import type { FlatSpan } from '@agents-tracing/processor';

export interface BackendTrace {
  spans: FlatSpan[];
  /** MLflow's trace tags; empty for Jaeger and files. */
  tags: Record<string, string>;
}

/** Time allowed for one request to a backend. */
export const REQUEST_TIMEOUT_MS = 10_000;
