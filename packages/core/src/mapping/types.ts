import type { ModelExchange } from './model.js';
import type { SpanAttributes } from './span-attributes.js';

/**
 * What the processor learned about a span from its children, for spans whose own data does not
 * carry it: an agent's input and final output come from its model calls, a workflow's from its
 * agents.
 */
export interface DerivedContent {
  input?: unknown;
  output?: unknown;
  /** The first agent of a workflow, for the workflow's name. */
  agentName?: string;
  /** Tool call id of a function span, matched from the model output that asked for it. */
  toolCallId?: string;
  /** A model span's messages, converted once for the span and for its agent. */
  exchange?: ModelExchange;
}

/** Fills `attributes` from span data and returns the span name. */
export type SpanMapper<TData> = (data: TData, attributes: SpanAttributes, derived: DerivedContent) => string;

/** The fields of trace-level data the mappers need. */
export interface TraceInfo {
  traceId: string;
  name: string;
  groupId: string | null;
  metadata?: Record<string, unknown> | undefined;
}
