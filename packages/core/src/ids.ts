import { randomBytes } from 'node:crypto';

/**
 * The OpenTelemetry ids of agent spans come from the SDK's own ids, so the id the SDK prints
 * finds the trace in Jaeger and MLflow (`tr-<hex>`). A tracer provider only takes ids through its
 * `idGenerator`, which it calls synchronously inside `startSpan`: the processor parks the wanted
 * ids here just before that call and the generator hands them out.
 */

const ZERO_SPAN = '0'.repeat(16);

/**
 * Whether `text[from, from + length)` is lowercase hex, not all zeros, and `text` ends there when
 * `toEnd`. A character loop: every span start calls it, and it beats a regular expression on a
 * slice.
 */
function isIdHex(text: string, from: number, length: number, toEnd: boolean): boolean {
  const end = from + length;
  if (text.length < end || (toEnd && text.length !== end)) return false;
  let nonZero = false;
  for (let i = from; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x30 && code <= 0x39) nonZero = true;
    else if (code >= 0x61 && code <= 0x66) nonZero = true;
    else if (code !== 0x30) return false;
  }
  return nonZero;
}

/** `trace_<32 hex>` → the 32 hex, or undefined when the SDK id (user-chosen) has another form. */
export function otelTraceIdFromSdk(sdkTraceId: string): string | undefined {
  const from = sdkTraceId.startsWith('trace_') ? 6 : 0;
  return isIdHex(sdkTraceId, from, 32, true) ? sdkTraceId.slice(from) : undefined;
}

/** `span_<24 hex>` → its first 16 hex, or undefined when the SDK id has another form. */
export function otelSpanIdFromSdk(sdkSpanId: string): string | undefined {
  const prefixed = sdkSpanId.startsWith('span_');
  const from = prefixed ? 5 : 0;
  return isIdHex(sdkSpanId, from, 16, !prefixed) ? sdkSpanId.slice(from, from + 16) : undefined;
}

/**
 * The id of a trace's root (workflow) span, derived from its trace id so that feedback sent
 * later from another process, knowing only the trace id, can be parented to it. Two 32-bit
 * hashes: the id only has to be stable and unlikely to equal a random span id, and a SHA-256 on
 * every trace start cost more, inside a run, than starting the trace itself.
 */
export function rootSpanIdFor(otelTraceId: string): string {
  for (let salt = 0; ; salt += 2) {
    const hex = hex8(murmur3(otelTraceId, ROOT_SEED + salt)) + hex8(murmur3(otelTraceId, ROOT_SEED + salt + 1));
    if (hex !== ZERO_SPAN) return hex;
  }
}

const ROOT_SEED = 0x61676e74;

const hex8 = (value: number): string => value.toString(16).padStart(8, '0');

/** A 32-bit hash with MurmurHash3's mixing, one UTF-16 code unit of `text` a block. */
function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

let parkedTraceId: string | undefined;
let parkedSpanId: string | undefined;

/** Runs `start` with the given ids parked for the id generator, and clears them afterwards. */
export function withParkedIds<T>(traceId: string | undefined, spanId: string | undefined, start: () => T): T {
  parkedTraceId = traceId;
  parkedSpanId = spanId;
  try {
    return start();
  } finally {
    parkedTraceId = undefined;
    parkedSpanId = undefined;
  }
}

/**
 * An OpenTelemetry `IdGenerator` that gives agent spans the SDK's ids and everything else
 * random ids. `setupAgentTracing()` installs it; pass it as `idGenerator` to a tracer provider
 * you build yourself to get the same ids.
 */
export class AgentsIdGenerator {
  generateTraceId(): string {
    const parked = parkedTraceId;
    parkedTraceId = undefined;
    return parked ?? randomHex(16);
  }

  generateSpanId(): string {
    const parked = parkedSpanId;
    parkedSpanId = undefined;
    return parked ?? randomHex(8);
  }
}

function randomHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (/[^0]/.test(hex)) return hex;
  }
}
