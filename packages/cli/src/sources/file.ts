/**
 * The trace file the embedded exporter appends to: one OTLP JSON export request a line. Read as a
 * stream, so a large file costs its reading time and not its size in memory.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { FlatSpan } from '@agents-tracing/processor';
import { CliError } from '../errors.js';
import { spansOfTrace, type OtlpTracesData } from './otlp-json.js';

export interface FileReadProgress {
  bytesRead: number;
  totalBytes: number;
}

/** Every span of the trace in the file, in file order; empty when the trace is not (yet) there. */
export async function readTraceFile(
  path: string,
  traceId: string,
  onProgress: (progress: FileReadProgress) => void = () => {},
): Promise<FlatSpan[]> {
  let totalBytes: number;
  try {
    totalBytes = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const spans: FlatSpan[] = [];
  const upper = traceId.toUpperCase();
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    onProgress({ bytesRead: stream.bytesRead, totalBytes });
    // Only lines that mention the trace are parsed.
    if (!line.includes(traceId) && !line.includes(upper)) continue;
    let data: OtlpTracesData;
    try {
      data = JSON.parse(line) as OtlpTracesData;
    } catch {
      throw new CliError(`${path}:${lineNumber} is not OTLP JSON`);
    }
    spans.push(...spansOfTrace(data, traceId));
  }
  onProgress({ bytesRead: totalBytes, totalBytes });
  return spans;
}
