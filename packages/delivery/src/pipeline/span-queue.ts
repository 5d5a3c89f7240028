/**
 * A first-in first-out queue with cheap removal from the front and a way to put a batch back in
 * front, for the spans waiting to be exported.
 */
export class SpanQueue<T> {
  // Slots before #head are consumed and cleared, so the queue never keeps a taken span alive.
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns up to `count` items from the front. */
  take(count: number): T[] {
    const end = Math.min(this.#items.length, this.#head + count);
    const taken: T[] = [];
    for (let i = this.#head; i < end; i++) {
      taken.push(this.#items[i] as T);
      this.#items[i] = undefined;
    }
    this.#head = end;
    this.#compact();
    return taken;
  }

  /** Puts items taken earlier back in front, in their order. */
  putBack(items: readonly T[]): void {
    if (items.length === 0) return;
    if (this.#head >= items.length) {
      this.#head -= items.length;
      for (let i = 0; i < items.length; i++) this.#items[this.#head + i] = items[i];
    } else {
      this.#items = [...items, ...this.#items.slice(this.#head)];
      this.#head = 0;
    }
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
