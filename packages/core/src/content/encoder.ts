import { boundedJson, cutOutside, describeThrown } from './bounded-json.js';
import { createSecretLocator, createSecretScrubber, DEFAULT_SECRET_PATTERNS, type SecretLocator, type SecretScrubber } from './scrub.js';

/** Where a captured value is about to go: the span type and the attribute. */
export interface RedactionSite {
  spanType: string;
  attribute: string;
}

/**
 * Sees every captured value before it is serialised. Return the value to keep (possibly
 * changed), or `undefined` to drop it.
 */
export type RedactHook = (value: unknown, site: RedactionSite) => unknown;

export interface ContentOptions {
  /** Capture prompts, responses, tool arguments and results. Default true. */
  captureContent?: boolean;
  /** Maximum length of one captured attribute value, in characters. Default 16384. */
  maxAttributeLength?: number;
  redact?: RedactHook;
  /** Credential shapes scrubbed from captured text; `false` turns scrubbing off. */
  secretPatterns?: readonly RegExp[] | false;
  /** Keys never captured, whatever `captureContent` says (the SDK's "don't log" settings). */
  excludedAttributes?: ReadonlySet<string>;
}

export const DEFAULT_MAX_ATTRIBUTE_LENGTH = 16_384;

type Encoded = { text: string; truncated: boolean };

/** Encodings remembered, newest last: a value comes back while its run is still ending. */
const RECENT_ENCODINGS = 8;
/** Encodings remembered by key, per attribute: a few agents' instructions and tools. */
const KEYED_ENCODINGS = 16;

/** Turns captured values into bounded, scrubbed attribute strings. */
export class ContentEncoder {
  readonly capture: boolean;
  readonly maxLength: number;
  readonly #redact: RedactHook | undefined;
  readonly #scrub: SecretScrubber;
  /** Credentials a cut must not split: half a key would escape the scrubber. */
  readonly #findSecrets: SecretLocator | undefined;
  readonly #excluded: ReadonlySet<string> | undefined;
  /**
   * The same objects are captured several times (a model call's messages are also its agent's
   * and its run's input), close together: the last few encodings are kept, by identity, so each
   * is usually encoded once. Only without a redaction hook, whose answer may depend on where the
   * value goes. A short list, not a WeakMap: most values are new, and a WeakMap entry per value
   * costs more than encoding a small one.
   */
  readonly #recentValues: object[] = [];
  readonly #recentEncodings: Encoded[] = [];
  /** Per attribute, by key; null for a value that encoded to nothing. */
  readonly #keyed = new Map<string, Map<string, Encoded | null>>();

  constructor(options: ContentOptions = {}) {
    this.capture = options.captureContent ?? true;
    this.maxLength = Math.max(64, options.maxAttributeLength ?? DEFAULT_MAX_ATTRIBUTE_LENGTH);
    this.#redact = options.redact;
    this.#excluded = options.excludedAttributes?.size ? options.excludedAttributes : undefined;
    const patterns = options.secretPatterns === false ? [] : (options.secretPatterns ?? DEFAULT_SECRET_PATTERNS);
    this.#scrub = createSecretScrubber(patterns);
    this.#findSecrets = patterns.length > 0 ? createSecretLocator(patterns) : undefined;
  }

  /** Whether content for this attribute is captured at all. */
  captures(attribute: string): boolean {
    return this.capture && !this.#excluded?.has(attribute);
  }

  /**
   * Encodes one value: redaction hook, then bounded JSON (strings within the limit are kept as
   * they are; a cut string is never cut inside a credential), then credential scrubbing. Returns
   * undefined for absent values.
   */
  encode(value: unknown, site: RedactionSite): Encoded | undefined {
    let kept = value;
    if (this.#redact) {
      try {
        kept = this.#redact(value, site);
      } catch (error) {
        // A failing hook must not leak what it was meant to hide.
        return { text: `[redact hook threw: ${describeThrown(error)}]`, truncated: false };
      }
    }
    if (kept === undefined || kept === null) return undefined;
    const cacheable = typeof kept === 'object' && !this.#redact;
    if (cacheable) {
      const index = this.#recentValues.indexOf(kept);
      if (index >= 0) return this.#recentEncodings[index];
    }
    const encoded =
      typeof kept === 'string' && kept.length <= this.maxLength
        ? { text: kept, truncated: false }
        : boundedJson(kept, { maxLength: this.maxLength, keepWhole: this.#findSecrets });
    const result = { text: this.#scrub(encoded.text), truncated: encoded.truncated };
    if (cacheable) this.#remember(kept, result);
    return result;
  }

  /**
   * As `encode`, for a value built from `key` alone: every model call of an agent brings the same
   * instructions and tools, in new objects. Their encoding is kept under the key (for a few keys
   * per attribute), so building, bounding and scrubbing them is done once. Without a key, or with
   * a redaction hook, it is `encode(build(), site)`.
   */
  encodeKeyed(key: string | undefined, build: () => unknown, site: RedactionSite): Encoded | undefined {
    if (key === undefined || this.#redact || key.length > this.maxLength * 4) return this.encode(build(), site);
    let byKey = this.#keyed.get(site.attribute);
    if (!byKey) this.#keyed.set(site.attribute, (byKey = new Map()));
    const cached = byKey.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const encoded = this.encode(build(), site);
    if (byKey.size === KEYED_ENCODINGS) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, encoded ?? null);
    return encoded;
  }

  #remember(value: object, encoded: Encoded): void {
    if (this.#recentValues.length === RECENT_ENCODINGS) {
      this.#recentValues.shift();
      this.#recentEncodings.shift();
    }
    this.#recentValues.push(value);
    this.#recentEncodings.push(encoded);
  }

  /** Scrubs a short non-content string (names, ids, error messages). */
  scrub(text: string): string {
    if (text.length <= this.maxLength) return this.#scrub(text);
    const cut = this.#findSecrets ? cutOutside(text, this.maxLength, this.#findSecrets, 'start') : this.maxLength;
    return this.#scrub(text.slice(0, cut));
  }
}
