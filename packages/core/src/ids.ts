import { hash, randomBytes } from 'node:crypto';

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
 * later from another process, knowing only the trace id, can be parented to it.
 */
export function rootSpanIdFor(otelTraceId: string): string {
  for (let salt = 0; ; salt++) {
    const hex = hash('sha256', `agents-tracing root ${salt} ${otelTraceId}`, 'hex').slice(0, 16);
    if (hex !== ZERO_SPAN) return hex;
  }
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
