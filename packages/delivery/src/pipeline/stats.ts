/** What happened to the spans handed to one exporter, since the process started. */
export interface DeliveryCounts {
  /** Spans the backend acknowledged. */
  exported: number;
  /** Span exports that failed and were tried again, counted once per span and retry. */
  retried: number;
  /**
   * Spans given up on: the oldest when the queue was full, a batch the backend refused for good
   * (such as 400 or 401), or what was never sent before shutdown without a spool.
   */
  dropped: number;
  /** Spans written to the spool before export. */
  spooled: number;
  /** Spans read back from the spool, left there by a process that ended before delivering them. */
  recovered: number;
  /** Spool records that could not be read (torn or corrupt) and were skipped. */
  unreadable: number;
  /** Spans queued or being exported right now. */
  pending: number;
  /**
   * Spans whose export was still waiting for an answer when shutdown ended: they may have
   * arrived. Never also counted as pending or dropped; an answer that comes later moves them to
   * `exported` (or, without a spool, `dropped`).
   */
  unconfirmed: number;
}

export interface DeliveryStats extends DeliveryCounts {
  /** The same counts for each exporter, by name ("otlp", "mlflow", …). */
  exporters: Record<string, DeliveryCounts>;
}

export const zeroCounts = (): DeliveryCounts => ({
  exported: 0,
  retried: 0,
  dropped: 0,
  spooled: 0,
  recovered: 0,
  unreadable: 0,
  pending: 0,
  unconfirmed: 0,
});

/** Totals over exporters, with each exporter's own counts alongside. */
export function sumDeliveryCounts(byExporter: Record<string, DeliveryCounts>): DeliveryStats {
  const total = zeroCounts();
  for (const counts of Object.values(byExporter)) {
    for (const key of Object.keys(total) as (keyof DeliveryCounts)[]) total[key] += counts[key];
  }
  return { ...total, exporters: byExporter };
}
