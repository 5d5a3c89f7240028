import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';

/**
 * One append-only spool file, written by one process at a time. Lines:
 *   `R <seq> <span JSON>`  a finished span, written before it is exported
 *   `A <seq> <seq> …`      spans acknowledged by the backend (or given up on)
 * Each line goes out in one synchronous write, so a span whose `end()` returned is in the file
 * even if the process is killed the next instant (it is in the OS page cache; no fsync, so a
 * power loss can still lose it).
 */
export class SpoolSegment {
  readonly path: string;
  #fd: number | undefined;
  /** Records this segment holds that still need settling. */
  #expected = 0;
  #settled = 0;
  #nextSeq = 1;
  #bytes = 0;
  /** No more records will be written (rotated out, or claimed from another process). */
  #sealed: boolean;

  private constructor(path: string, fd: number, sealed: boolean) {
    this.path = path;
    this.#fd = fd;
    this.#sealed = sealed;
  }

  /** A new segment for this process's spans. */
  static create(path: string): SpoolSegment {
    return new SpoolSegment(path, openSync(path, 'wx', 0o600), false);
  }

  /**
   * A segment claimed from a process that ended, holding `pending` unsettled records. A torn last
   * line is closed off first, so the acknowledgements appended after it stay readable.
   */
  static claimed(path: string, pending: number, endsWithNewline: boolean): SpoolSegment {
    const segment = new SpoolSegment(path, openSync(path, 'a', 0o600), true);
    segment.#expected = pending;
    if (!endsWithNewline) segment.#write('\n');
    return segment;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get isDone(): boolean {
    return this.#sealed && this.#settled >= this.#expected;
  }

  /** Appends one record; returns its sequence number. Throws when the write fails. */
  append(json: string): number {
    const seq = this.#nextSeq;
    this.#write(`R ${seq} ${json}\n`);
    this.#nextSeq += 1;
    this.#expected += 1;
    return seq;
  }

  /** Marks records as settled; removes the file once every record is. */
  settle(seqs: readonly number[]): void {
    if (this.#fd === undefined || seqs.length === 0) return;
    this.#settled += seqs.length;
    if (this.isDone) {
      this.remove();
      return;
    }
    this.#write(`A ${seqs.join(' ')}\n`);
  }

  /** No more records; the file goes once its records are settled. */
  seal(): void {
    this.#sealed = true;
    if (this.isDone) this.remove();
  }

  /** Closes the file, keeping it on disk when records are still unsettled. */
  close(): void {
    if (this.#fd === undefined) return;
    const done = this.#settled >= this.#expected;
    closeSync(this.#fd);
    this.#fd = undefined;
    if (done) unlinkQuietly(this.path);
  }

  remove(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    unlinkQuietly(this.path);
  }

  #write(text: string): void {
    if (this.#fd === undefined) throw new Error('spool segment is closed');
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset);
    this.#bytes += bytes.length;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to keep.
  }
}
