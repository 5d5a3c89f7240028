/** What one read of a backend or file gives. */
import type { DerivedFieldMismatch, FlatSpan } from '@agents-tracing/processor';

export interface BackendTrace {
  spans: FlatSpan[];
  /** MLflow's trace tags; empty for Jaeger and files. */
  tags: Record<string, string>;
  /** Fields the backend shows that do not follow from the covered attributes (MLflow only). */
  derivedMismatches?: DerivedFieldMismatch[];
}

/** Time allowed for one request to a backend. */
export const REQUEST_TIMEOUT_MS = 10_000;
