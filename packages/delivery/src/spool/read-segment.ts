import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { decodeSpan, type SharedObjects } from '../pipeline/span-codec.js';

export interface SegmentContents {
  /** Spans not yet acknowledged, with their sequence numbers in the segment. */
  pending: { seq: number; span: ReadableSpan }[];
  /** Lines that could not be read: torn by a crash mid-write, or corrupt. */
  unreadable: number;
  endsWithNewline: boolean;
}

/**
 * Parses a spool segment. Never throws on bad content: a line that cannot be read is counted
 * and skipped, and the rest of the file is still used.
 */
export function readSegment(text: string, shared: SharedObjects): SegmentContents {
  const records = new Map<number, string>();
  const acknowledged = new Set<number>();
  let unreadable = 0;
  const endsWithNewline = text.length === 0 || text.endsWith('\n');
  const lines = text.split('\n');
  // The last piece is empty after a final newline, or a line torn by a crash mid-write.
  const torn = lines.pop();
  if (torn) unreadable += 1;
  for (const line of lines) {
    if (line.length === 0) continue;
    if (line.startsWith('R ')) {
      const space = line.indexOf(' ', 2);
      const seq = space > 0 ? parseSeq(line.slice(2, space)) : undefined;
      if (seq === undefined) unreadable += 1;
      else records.set(seq, line.slice(space + 1));
    } else if (line.startsWith('A ')) {
      const seqs = line.slice(2).split(' ').map(parseSeq);
      if (seqs.includes(undefined)) unreadable += 1;
      for (const seq of seqs) if (seq !== undefined) acknowledged.add(seq);
    } else {
      unreadable += 1;
    }
  }
  const pending: SegmentContents['pending'] = [];
  for (const [seq, json] of records) {
    if (acknowledged.has(seq)) continue;
    try {
      pending.push({ seq, span: decodeSpan(JSON.parse(json), shared) });
    } catch {
      unreadable += 1;
    }
  }
  return { pending, unreadable, endsWithNewline };
}

function parseSeq(text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}
