/** Readable, deterministic ids (`resp_000001`, `call_000002`…), counted per prefix. */
export class IdSequence {
  readonly #counts = new Map<string, number>();

  next(prefix: string): string {
    const count = (this.#counts.get(prefix) ?? 0) + 1;
    this.#counts.set(prefix, count);
    return `${prefix}${String(count).padStart(6, '0')}`;
  }

  reset(): void {
    this.#counts.clear();
  }
}
