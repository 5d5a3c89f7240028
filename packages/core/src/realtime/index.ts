import type { RealtimeSessionLike } from './session-shape.js';
import { RealtimeSessionTracer, type RealtimeSessionTrace, type TraceRealtimeSessionOptions } from './session-tracer.js';

export { DEFAULT_REALTIME_WORKFLOW_NAME, REALTIME } from './session-tracer.js';
export type { RealtimeSessionTrace, TraceRealtimeSessionOptions } from './session-tracer.js';
export type { RealtimeAgentLike, RealtimeSessionLike, RealtimeTransportLike } from './session-shape.js';

/**
 * Traces a voice agent's `RealtimeSession` like a text run: call it once, before
 * `session.connect()`. The session's spans go to the processors registered with the SDK (or the
 * one in `options.processor`), so content settings, redaction, the audit digest and delivery
 * apply as for text runs. The trace ends when the session closes or its connection drops.
 */
export function traceRealtimeSession(session: RealtimeSessionLike, options?: TraceRealtimeSessionOptions): RealtimeSessionTrace {
  return new RealtimeSessionTracer(session, options);
}
