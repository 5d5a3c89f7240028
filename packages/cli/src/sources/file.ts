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

/** A trace file that is not there (yet): worth waiting for, and named when the wait is over. */
export class TraceFileMissing extends Error {
  override name = 'TraceFileMissing';
  constructor(path: string) {
    super(`${path} does not exist (the embedded exporter writes traces/agent-traces.otlp.jsonl; --file names another)`);
  }
}

/** What each line of an OTLP JSON lines file is: an export request. */
const isExportRequest = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Array.isArray((value as { resourceSpans?: unknown }).resourceSpans);

/**
 * Every span of the trace in the file, in file order; empty when the trace is not (yet) there.
 * Throws TraceFileMissing for a file that does not exist, and CliError for one that is not OTLP
 * JSON lines (its first line is not an export request).
 */
export async function readTraceFile(
  path: string,
  traceId: string,
  onProgress: (progress: FileReadProgress) => void = () => {},
): Promise<FlatSpan[]> {
  let totalBytes: number;
  try {
    totalBytes = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TraceFileMissing(path);
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
    if (lineNumber === 1 && !isExportRequest(parseLine(line))) {
      stream.destroy();
      throw new CliError(`${path} is not an OTLP JSON lines file: its first line is not an OTLP export request (resourceSpans)`);
    }
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

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
