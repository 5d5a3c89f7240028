import { createHash, randomBytes } from 'node:crypto';

/**
 * The OpenTelemetry ids of agent spans come from the SDK's own ids, so the id the SDK prints
 * finds the trace in Jaeger and MLflow (`tr-<hex>`). A tracer provider only takes ids through its
 * `idGenerator`, which it calls synchronously inside `startSpan`: the processor parks the wanted
 * ids here just before that call and the generator hands them out.
 */

const TRACE_HEX = /^[0-9a-f]{32}$/;
const SPAN_HEX = /^[0-9a-f]{16}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** `trace_<32 hex>` → the 32 hex, or undefined when the SDK id (user-chosen) has another form. */
export function otelTraceIdFromSdk(sdkTraceId: string): string | undefined {
  const hex = sdkTraceId.startsWith('trace_') ? sdkTraceId.slice(6) : sdkTraceId;
  return TRACE_HEX.test(hex) && hex !== ZERO_TRACE ? hex : undefined;
}

/** `span_<24 hex>` → its first 16 hex, or undefined when the SDK id has another form. */
export function otelSpanIdFromSdk(sdkSpanId: string): string | undefined {
  const hex = sdkSpanId.startsWith('span_') ? sdkSpanId.slice(5, 21) : sdkSpanId;
  return SPAN_HEX.test(hex) && hex !== ZERO_SPAN ? hex : undefined;
}

/**
 * The id of a trace's root (workflow) span, derived from its trace id so that feedback sent
 * later from another process, knowing only the trace id, can be parented to it.
 */
export function rootSpanIdFor(otelTraceId: string): string {
  for (let salt = 0; ; salt++) {
    const hex = createHash('sha256').update(`agents-tracing root ${salt} ${otelTraceId}`).digest('hex').slice(0, 16);
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
