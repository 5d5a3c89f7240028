import type { Attributes } from '@opentelemetry/api';
import { summarizeForRoot, type TraceSummary } from './mlflow-attributes.js';

/**
 * Summaries of traces whose root span has not been exported yet. Bounded: a root that never
 * comes (not sampled, or exported elsewhere) only holds its entry until newer traces push it out.
 */
export class TraceSummaries {
  readonly #byTrace = new Map<string, TraceSummary>();

  constructor(readonly capacity = 1000) {}

  get size(): number {
    return this.#byTrace.size;
  }

  add(traceId: string, attributes: Attributes, startMs: number, endMs: number): void {
    const previous = this.#byTrace.get(traceId);
    const next = summarizeForRoot(previous, attributes, startMs, endMs);
    if (next === undefined || next === previous) return;
    this.#byTrace.delete(traceId);
    this.#byTrace.set(traceId, next);
    if (this.#byTrace.size > this.capacity) {
      const oldest = this.#byTrace.keys().next().value;
      if (oldest !== undefined) this.#byTrace.delete(oldest);
    }
  }

  get(traceId: string): TraceSummary | undefined {
    return this.#byTrace.get(traceId);
  }

  /** Once a root is delivered; kept until then, as a failed batch may be sent again. */
  forget(traceIds: Iterable<string>): void {
    for (const traceId of traceIds) this.#byTrace.delete(traceId);
  }
}
