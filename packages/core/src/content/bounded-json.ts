/**
 * JSON serialisation with a hard size bound. Work stops once the bound is reached, so a 10 MB
 * value costs about what the bound costs, and the text produced is always valid JSON. What does
 * not fit is cut from the middle: a long string or array keeps its start and its end (in a
 * conversation, the newest messages led to the answer), and says how much was left out. Values
 * JSON cannot hold (cycles, BigInt, binary data, symbols, functions, throwing getters or
 * `toJSON`) become short descriptive strings instead of throwing.
 */

export interface BoundedJson {
  text: string;
  /** True when something was left out to stay within the bound. */
  truncated: boolean;
}

export interface BoundedJsonOptions {
  /** Maximum length of the produced text, in UTF-16 code units. */
  maxLength: number;
  /** Containers nested deeper than this are replaced by a marker. */
  maxDepth?: number;
  /**
   * The span of a string (start, end) around a position that a cut there must not split, such as a
   * credential: the cut moves to the span's edge, so the whole span is left out.
   */
  keepWhole?: SpanAround;
}

export type SpanAround = (value: string, at: number) => readonly [start: number, end: number] | undefined;

const DEFAULT_MAX_DEPTH = 32;
/** Room kept for the closing brackets and the marker of a cut string. */
const CLOSING_RESERVE = 24;
/** Below this many characters of room a cut string keeps its start only. */
const MIN_ROOM_FOR_END = 48;

const leftOutCharacters = (count: number): string => `…[${count} characters left out]…`;
const leftOutItems = (count: number): string => `[${count} ${count === 1 ? 'item' : 'items'} left out]`;

class Writer {
  readonly parts: string[] = [];
  length = 0;
  truncated = false;

  constructor(
    readonly budget: number,
    readonly maxDepth: number,
    readonly keepWhole: SpanAround | undefined,
    readonly ancestors = new Set<object>(),
    /** Whether an array that does not fit keeps its end too. Only the outermost such array does,
     * which keeps the work bounded: each cut costs at most three passes over the budget. */
    readonly cutsArrays = true,
  ) {}

  get remaining(): number {
    return this.budget - this.length;
  }

  push(text: string): void {
    this.parts.push(text);
    this.length += text.length;
  }
}

export function boundedJson(value: unknown, options: BoundedJsonOptions): BoundedJson {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxLength = Math.max(options.maxLength, CLOSING_RESERVE * 4);
  let budget = maxLength - CLOSING_RESERVE;
  // Most captured values are plain data that fits: written at once, as the writer would.
  if (typeof value === 'object' && value !== null) {
    const plain = plainJsonText(value, budget, maxDepth);
    if (plain !== undefined) return { text: plain, truncated: false };
  }
  // Markers and closing brackets written after the budget runs out can overshoot it a little
  // in deeply nested values; in that rare case, write again with the overshoot taken off.
  for (;;) {
    const writer = new Writer(budget, maxDepth, options.keepWhole);
    writeValue(writer, value, 0, false);
    const text = writer.parts.join('');
    if (text.length <= maxLength || budget <= 0) return { text, truncated: writer.truncated };
    budget -= text.length - maxLength + CLOSING_RESERVE;
  }
}

/** Writes a value; `inArray` decides how `undefined` and the like are written (null vs omitted). */
function writeValue(w: Writer, value: unknown, depth: number, inArray: boolean): void {
  switch (typeof value) {
    case 'string':
      writeString(w, value);
      return;
    case 'number':
      w.push(Number.isFinite(value) ? String(value) : JSON.stringify(String(value)));
      return;
    case 'boolean':
      w.push(value ? 'true' : 'false');
      return;
    case 'bigint':
      w.push(JSON.stringify(value.toString()));
      return;
    case 'undefined':
      w.push(inArray ? 'null' : JSON.stringify('[undefined]'));
      return;
    case 'symbol':
      writeString(w, value.toString());
      return;
    case 'function':
      writeString(w, `[Function ${value.name || 'anonymous'}]`);
      return;
    default:
      writeObject(w, value as object | null, depth);
  }
}

function writeString(w: Writer, value: string): void {
  // JSON-escaping can at most multiply the length by six; only cut when it might not fit.
  if (value.length * 6 + 2 <= w.remaining) {
    w.push(JSON.stringify(value));
    return;
  }
  const whole = JSON.stringify(value.slice(0, Math.max(0, w.remaining)));
  if (whole.length - 2 >= value.length && whole.length <= w.remaining) {
    w.push(whole);
    return;
  }
  w.truncated = true;
  w.push(cutString(value, Math.max(0, w.remaining - 2), w.keepWhole));
}

/** The start and the end of a string that does not fit in `room` characters, as JSON text. */
function cutString(value: string, room: number, keepWhole: SpanAround | undefined): string {
  const mark = leftOutCharacters(value.length);
  const keepEnd = room >= MIN_ROOM_FOR_END;
  const keep = Math.max(0, room - mark.length);
  for (const expansion of [1, 6]) {
    const kept = Math.floor(keep / expansion);
    let headLength = keepEnd ? Math.ceil(kept / 2) : kept;
    let tailLength = keepEnd ? kept - headLength : 0;
    if (keepWhole) {
      headLength = cutOutside(value, headLength, keepWhole, 'start');
      if (tailLength > 0) tailLength = value.length - cutOutside(value, value.length - tailLength, keepWhole, 'end');
    }
    const head = JSON.stringify(value.slice(0, headLength)).slice(1, -1);
    const tail = tailLength > 0 ? JSON.stringify(value.slice(-tailLength)).slice(1, -1) : '';
    const text = `"${head}${leftOutCharacters(value.length - headLength - tailLength)}${tail}"`;
    if (text.length <= room + 2 || expansion === 6) return text;
  }
  return '""';
}

/**
 * Where to cut `value` near `at` so that the span `keepWhole` finds there is not split: `at`
 * itself, or the span's start when the text before the cut is kept, its end when the text after it is.
 */
export function cutOutside(value: string, at: number, keepWhole: SpanAround, keptSide: 'start' | 'end'): number {
  if (at <= 0 || at >= value.length) return at;
  const span = keepWhole(value, at);
  if (span === undefined) return at;
  return keptSide === 'start' ? span[0] : span[1];
}

function writeObject(w: Writer, value: object | null, depth: number): void {
  if (value === null) {
    w.push('null');
    return;
  }
  if (w.ancestors.has(value)) {
    w.push('"[Circular]"');
    return;
  }
  const binary = describeBinary(value);
  if (binary !== undefined) {
    writeString(w, binary);
    return;
  }
  if (depth >= w.maxDepth) {
    w.truncated = true;
    w.push('"[MaxDepth]"');
    return;
  }
  const replaced = callToJson(value);
  if (replaced !== value) {
    writeValue(w, replaced, depth, false);
    return;
  }
  const plain = plainJsonText(value, w.remaining, w.maxDepth - depth);
  if (plain !== undefined) {
    w.push(plain);
    return;
  }
  w.ancestors.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) writeItems(w, value, depth);
    else if (value instanceof Map) writeEntries(w, value.entries(), depth);
    else if (value instanceof Error) writeEntries(w, errorEntries(value), depth);
    else writePlainObject(w, value, depth);
  } finally {
    w.ancestors.delete(value);
  }
}

function writeItems(w: Writer, items: unknown[] | Set<unknown>, depth: number): void {
  if (!Array.isArray(items) || !w.cutsArrays) {
    writeItemsFrom(w, items, depth);
    return;
  }
  const trial = new Writer(w.remaining, w.maxDepth, w.keepWhole, w.ancestors, false);
  const written: ItemSpan[] = [];
  writeItemsFrom(trial, items, depth, written);
  if (trial.truncated && written.length < items.length) {
    writeStartAndEnd(w, items, depth, trial.parts.join(''), written);
    return;
  }
  for (const part of trial.parts) w.push(part);
  w.truncated ||= trial.truncated;
}

/** Where an item's JSON is in a writer's text, and whether it was cut. */
interface ItemSpan {
  start: number;
  end: number;
  cut: boolean;
}

/** Writes items in order until the budget is spent, noting where each one is when asked. */
function writeItemsFrom(w: Writer, items: Iterable<unknown>, depth: number, written?: ItemSpan[]): void {
  w.push('[');
  let first = true;
  for (const item of items) {
    if (w.remaining <= 0) {
      w.truncated = true;
      break;
    }
    if (!first) w.push(',');
    first = false;
    const start = w.length;
    const wasCut = w.truncated;
    writeValue(w, item, depth + 1, true);
    written?.push({ start, end: w.length, cut: w.truncated && !wasCut });
  }
  w.push(']');
}

/**
 * An array too long for its budget: the items at its end in up to half the room, then those at
 * its start in the rest (taken from the first pass, `written`), and between them a marker item
 * that counts what was left out. Items are kept whole, except the first and the last when one
 * alone is too long.
 */
function writeStartAndEnd(w: Writer, items: unknown[], depth: number, firstPass: string, written: ItemSpan[]): void {
  const room = w.remaining - 2 - (leftOutItems(items.length).length + 3);
  const end = keptItems(w, items, depth, Math.floor(room / 2), items.length - 1, 1);
  const startRoom = room - end.reduce((sum, text) => sum + text.length + 1, 0);
  let startCount = 0;
  while (startCount < written.length && startCount < items.length - end.length) {
    const span = written[startCount]!;
    if (span.cut || span.end - written[0]!.start + 1 > startRoom) break;
    startCount += 1;
  }
  const start =
    startCount > 0
      ? [firstPass.slice(written[0]!.start, written[startCount - 1]!.end)]
      : keptItems(w, items, depth, startRoom, 0, 0);
  const kept = startCount > 0 ? startCount : start.length;
  const leftOut = items.length - kept - end.length;
  w.truncated = true;
  const marker = leftOut > 0 ? [JSON.stringify(leftOutItems(leftOut))] : [];
  w.push(`[${[...start, ...marker, ...end].join(',')}]`);
}

/**
 * The JSON of the items from `from` towards `until` (inclusive; backwards when `until` is lower),
 * as many as fit in `room`, in array order.
 */
function keptItems(w: Writer, items: unknown[], depth: number, room: number, from: number, until: number): string[] {
  const kept: string[] = [];
  const step = until < from ? -1 : 1;
  let used = 0;
  for (let i = from; step > 0 ? i <= until : i >= until; i += step) {
    const item = new Writer(room - used - 1, w.maxDepth, w.keepWhole, w.ancestors, false);
    writeValue(item, items[i], depth + 1, true);
    const text = item.parts.join('');
    if ((item.truncated && kept.length > 0) || used + text.length + 1 > room) break;
    kept.push(text);
    used += text.length + 1;
  }
  return step > 0 ? kept : kept.reverse();
}

/**
 * The JSON of a value made of plain data only (plain objects and arrays of strings, finite
 * numbers, booleans and null, `levels` containers deep at most) when it fits in `room`: written
 * natively, it reads exactly as the writer would write it, at a fraction of the cost. Anything
 * else (binary data, `toJSON`, Maps, Errors, cycles, throwing getters, a value too long) leaves
 * it to the writer, after at most about `room` values were looked at.
 */
function plainJsonText(value: object, room: number, levels: number): string | undefined {
  const budget = { left: room };
  try {
    if (!isPlainJson(value, levels, budget)) return undefined;
    const text = JSON.stringify(value);
    return text.length <= room ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Counts a lower bound of the value's JSON length against `budget`, failing once it is spent. */
function isPlainJson(value: unknown, levels: number, budget: { left: number }): boolean {
  switch (typeof value) {
    case 'string':
      budget.left -= value.length + 2;
      return budget.left >= 0;
    case 'number':
      budget.left -= 1;
      return Number.isFinite(value) && budget.left >= 0;
    case 'boolean':
      budget.left -= 4;
      return budget.left >= 0;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) {
    budget.left -= 4;
    return budget.left >= 0;
  }
  if (levels <= 0) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return false;
    budget.left -= 2;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // The commas between items.
      if (i > 0) budget.left -= 1;
      // JSON writes a missing item as null, as the writer does.
      if (item !== undefined && !isPlainJson(item, levels - 1, budget)) return false;
      if (budget.left < 0) return false;
    }
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  budget.left -= 2;
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    // Left out by JSON and by the writer alike.
    if (item === undefined) continue;
    budget.left -= key.length + 3;
    if (!isPlainJson(item, levels - 1, budget)) return false;
  }
  return budget.left >= 0;
}

function writeEntries(w: Writer, entries: Iterable<[unknown, unknown]>, depth: number): void {
  w.push('{');
  let first = true;
  for (const [key, item] of entries) {
    const written = writeMember(w, key, item, depth, first);
    if (written === undefined) break;
    first &&= !written;
  }
  w.push('}');
}

/** Plain objects, the common case: keys read one by one, no entry tuples. */
function writePlainObject(w: Writer, value: object, depth: number): void {
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (error) {
    writeEntries(w, [['[unreadable]', describeThrown(error)]], depth);
    return;
  }
  w.push('{');
  let first = true;
  for (const key of keys) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch (error) {
      item = `[Throws: ${describeThrown(error)}]`;
    }
    const written = writeMember(w, key, item, depth, first);
    if (written === undefined) break;
    first &&= !written;
  }
  w.push('}');
}

/** Writes `"key":value`: true if written, false if skipped (as JSON skips it), undefined once
 * the budget is spent. */
function writeMember(w: Writer, key: unknown, item: unknown, depth: number, first: boolean): boolean | undefined {
  if (item === undefined || typeof item === 'function' || typeof item === 'symbol') return false;
  if (w.remaining <= 0) {
    w.truncated = true;
    return undefined;
  }
  if (!first) w.push(',');
  writeString(w, String(key));
  w.push(':');
  writeValue(w, item, depth + 1, false);
  return true;
}

function* objectEntries(value: object): Generator<[string, unknown]> {
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (error) {
    yield ['[unreadable]', describeThrown(error)];
    return;
  }
  for (const key of keys) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch (error) {
      item = `[Throws: ${describeThrown(error)}]`;
    }
    yield [key, item];
  }
}

function* errorEntries(error: Error): Generator<[string, unknown]> {
  yield ['name', safeRead(() => error.name)];
  yield ['message', safeRead(() => error.message)];
  yield* objectEntries(error);
}

function callToJson(value: object): unknown {
  const candidate = value as { toJSON?: unknown };
  let toJson: unknown;
  try {
    toJson = candidate.toJSON;
  } catch (error) {
    return `[Throws: ${describeThrown(error)}]`;
  }
  if (typeof toJson !== 'function') return value;
  try {
    return (toJson as () => unknown).call(value);
  } catch (error) {
    return `[toJSON threw: ${describeThrown(error)}]`;
  }
}

function describeBinary(value: object): string | undefined {
  if (ArrayBuffer.isView(value)) {
    return `[binary ${value.constructor?.name ?? 'view'}, ${value.byteLength} bytes]`;
  }
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    return `[binary ${value.constructor.name}, ${value.byteLength} bytes]`;
  }
  return undefined;
}

function safeRead(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    return `[Throws: ${describeThrown(error)}]`;
  }
}

/** A short description of a thrown value that itself never throws. */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
  } catch {
    return 'unprintable value';
  }
}
