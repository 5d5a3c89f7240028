import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { encodeSpan, type SharedObjects } from '../pipeline/span-codec.js';
import { readSegment } from './read-segment.js';
import { SpoolSegment } from './segment.js';

/** Where a spooled span lives, to settle it once the backend acknowledged it. */
export interface SpoolRef {
  segment: SpoolSegment;
  seq: number;
}

export interface RecoveredSpans {
  spans: { span: ReadableSpan; ref: SpoolRef }[];
  unreadable: number;
}

const SEGMENT_SUFFIX = '.spool';
/** A new segment is started past this size, so settled spans leave the disk in bounded steps. */
const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
/**
 * Segment files written or claimed by the open spools of this process: two spools on one
 * directory (two pipelines in one app) must not take each other's files for a dead process's.
 * A closed spool's files are left to the next one, as a dead process's are.
 */
const OWNED_IN_THIS_PROCESS = new Set<string>();

/**
 * The spool of one exporter: a directory of segment files. This process writes its own segments
 * (named after its pid) and, at start, claims the segments of processes that are no longer
 * running by renaming them: a rename is atomic, so two processes never claim the same one.
 */
export class Spool {
  readonly directory: string;
  readonly #segmentBytes: number;
  /** The segment files this spool wrote or claimed. */
  readonly #own = new Set<string>();
  /** Segments with a file still open: this process's own and the ones it claimed. */
  readonly #open = new Set<SpoolSegment>();
  #current: SpoolSegment | undefined;

  constructor(directory: string, options: { segmentBytes?: number } = {}) {
    this.directory = directory;
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    // Spans hold prompts and tool data: readable by this user only.
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  }

  /** Writes a finished span; throws when the disk refuses. */
  append(span: ReadableSpan): SpoolRef {
    const json = JSON.stringify(encodeSpan(span));
    let segment = this.#current;
    if (segment === undefined || segment.bytes >= this.#segmentBytes) {
      segment?.seal();
      if (segment?.isDone) this.#open.delete(segment);
      segment = this.#newSegment();
      this.#current = segment;
    }
    return { segment, seq: segment.append(json) };
  }

  /** Settles spans that were acknowledged or given up on; their records leave the disk. */
  settle(refs: readonly (SpoolRef | undefined)[]): void {
    const bySegment = new Map<SpoolSegment, number[]>();
    for (const ref of refs) {
      if (!ref) continue;
      const seqs = bySegment.get(ref.segment);
      if (seqs) seqs.push(ref.seq);
      else bySegment.set(ref.segment, [ref.seq]);
    }
    for (const [segment, seqs] of bySegment) {
      segment.settle(seqs);
      if (segment.isDone) this.#open.delete(segment);
    }
  }

  /** Reads back the unsettled spans of segments whose writer is no longer running. */
  async recover(): Promise<RecoveredSpans> {
    const recovered: RecoveredSpans = { spans: [], unreadable: 0 };
    const shared: SharedObjects = new Map();
    for (const name of await readdir(this.directory)) {
      if (!name.endsWith(SEGMENT_SUFFIX) || !this.#isOrphan(name)) continue;
      const claimedPath = this.#segmentPath();
      // Marked before the rename, so no other spool here sees it unowned for a moment.
      this.#claimPath(claimedPath);
      try {
        await rename(join(this.directory, name), claimedPath);
      } catch {
        this.#releasePath(claimedPath);
        continue; // Another spool claimed it first.
      }
      const contents = readSegment(await readFile(claimedPath, 'utf8'), shared);
      const segment = SpoolSegment.claimed(claimedPath, contents.pending.length, contents.endsWithNewline);
      recovered.unreadable += contents.unreadable;
      for (const { seq, span } of contents.pending) recovered.spans.push({ span, ref: { segment, seq } });
      segment.seal();
      if (!segment.isDone) this.#open.add(segment);
    }
    return recovered;
  }

  /** Closes the files; segments with unsettled spans stay for the next process. */
  close(): void {
    this.#current?.seal();
    this.#current = undefined;
    for (const segment of this.#open) segment.close();
    this.#open.clear();
    for (const path of this.#own) OWNED_IN_THIS_PROCESS.delete(path);
    this.#own.clear();
  }

  #claimPath(path: string): void {
    this.#own.add(path);
    OWNED_IN_THIS_PROCESS.add(path);
  }

  #releasePath(path: string): void {
    this.#own.delete(path);
    OWNED_IN_THIS_PROCESS.delete(path);
  }

  #newSegment(): SpoolSegment {
    const path = this.#segmentPath();
    this.#claimPath(path);
    const segment = SpoolSegment.create(path);
    this.#open.add(segment);
    return segment;
  }

  #segmentPath(): string {
    return join(this.directory, `${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}${SEGMENT_SUFFIX}`);
  }

  #isOrphan(name: string): boolean {
    if (OWNED_IN_THIS_PROCESS.has(join(this.directory, name))) return false;
    const pid = Number(name.slice(0, name.indexOf('-')));
    if (!Number.isInteger(pid) || pid <= 0) return true;
    // Our own pid on a file we did not write: a previous process that had the same pid.
    return pid === process.pid || !isRunning(pid);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
