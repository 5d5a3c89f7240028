import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { AGENTS } from '../attributes.js';
import type { ContentEncoder } from '../content/encoder.js';

/**
 * Collects the attributes of one span. Plain values are set as they are; captured content goes
 * through the encoder (capture switch, redaction hook, size bound, secret scrubbing), and the
 * keys that had to be cut are listed under `openai.agents.truncated`.
 */
export class SpanAttributes {
  readonly values: Attributes = {};
  #truncated: string[] | undefined;

  constructor(
    readonly encoder: ContentEncoder,
    readonly spanType: string,
  ) {}

  set(key: string, value: AttributeValue | null | undefined): void {
    if (value !== undefined && value !== null) this.values[key] = value;
  }

  /** A number attribute, kept only when it really is a finite number. */
  number(key: string, value: unknown): void {
    if (typeof value === 'number' && Number.isFinite(value)) this.values[key] = value;
  }

  /** A string array attribute from a value that should be a list of strings. */
  strings(key: string, value: unknown): void {
    if (Array.isArray(value)) this.values[key] = value.filter((v): v is string => typeof v === 'string');
  }

  /** Captured content: dropped when capture is off. */
  content(key: string, value: unknown): void {
    if (!this.encoder.captures(key)) return;
    this.encoded(key, value);
  }

  /**
   * Captured content that follows from a key alone (an agent's instructions, its tools): encoded
   * once per key. Neither function runs when the content is not captured; `build` runs only for
   * a key not encoded yet.
   */
  keyedContent(key: string, cacheKey: () => string | undefined, build: () => unknown): void {
    if (!this.encoder.captures(key)) return;
    this.#set(key, this.encoder.encodeKeyed(cacheKey(), build, { spanType: this.spanType, attribute: key }));
  }

  /** Structured data that is not conversation content (metadata, model settings): always kept,
   * but bounded and scrubbed like content. */
  data(key: string, value: unknown): void {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      this.values[key] = typeof value === 'string' ? this.encoder.scrub(value) : value;
      return;
    }
    this.encoded(key, value);
  }

  finish(): Attributes {
    if (this.#truncated) this.values[AGENTS.TRUNCATED] = this.#truncated;
    return this.values;
  }

  private encoded(key: string, value: unknown): void {
    this.#set(key, this.encoder.encode(value, { spanType: this.spanType, attribute: key }));
  }

  #set(key: string, encoded: { text: string; truncated: boolean } | undefined): void {
    if (!encoded) return;
    this.values[key] = encoded.text;
    if (encoded.truncated) (this.#truncated ??= []).push(key);
  }
}
