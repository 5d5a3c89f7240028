/** The terminal side of an evaluation: a progress line while it runs, a table at the end. */

export interface Progress {
  name: string;
  done: number;
  /** Known once the data is a list; undefined for an async iterable still being read. */
  total: number | undefined;
  failed: number;
  elapsedMs: number;
}

export type ProgressReporter = (progress: Progress) => void;

export function formatProgress(progress: Progress): string {
  const { done, total, failed, elapsedMs, name } = progress;
  const width = 24;
  const bar =
    total === undefined || total === 0
      ? ''
      : `[${'#'.repeat(Math.round((done / total) * width)).padEnd(width, '.')}] `;
  const count = total === undefined ? `${done}` : `${done}/${total}`;
  return `${name} ${bar}${count} cases  ${failed} failed  ${(elapsedMs / 1000).toFixed(1)}s`;
}

/** Rewrites one line on a terminal; prints nothing elsewhere (logs stay clean). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter | undefined {
  if (!stream.isTTY) return undefined;
  return (progress) => {
    stream.write(`\r${formatProgress(progress)}\x1b[K${progress.total !== undefined && progress.done === progress.total ? '\n' : ''}`);
  };
}

/** Metrics as an aligned two-column table. */
export function formatSummary(title: string, metrics: Record<string, number>): string {
  const rows = Object.entries(metrics).map(([key, value]) => [key, formatNumber(value)] as const);
  const width = Math.max(...rows.map(([key]) => key.length), 6);
  return [title, ...rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`)].join('\n');
}

/** Several runs' metrics side by side, one column per run. */
export function formatComparison(columns: readonly { title: string; metrics: Record<string, number> }[]): string {
  const keys = [...new Set(columns.flatMap((c) => Object.keys(c.metrics)))];
  const keyWidth = Math.max(...keys.map((k) => k.length), 6);
  const widths = columns.map((c) => Math.max(c.title.length, 8));
  const header = ['metric'.padEnd(keyWidth), ...columns.map((c, i) => c.title.padStart(widths[i] as number))].join('  ');
  const lines = keys.map((key) =>
    [key.padEnd(keyWidth), ...columns.map((c, i) => (c.metrics[key] === undefined ? '—' : formatNumber(c.metrics[key])).padStart(widths[i] as number))].join('  '),
  );
  return [header, ...lines].join('\n');
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}
