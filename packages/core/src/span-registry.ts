import type { Context, Span } from '@opentelemetry/api';
import type { SpanLeaf } from './audit/index.js';
import type { ModelExchange, RequestedToolCall } from './mapping/index.js';

/** An SDK span the processor has opened an OpenTelemetry span for and not yet ended. */
export interface OpenSpan {
  readonly sdkSpanId: string;
  readonly type: string;
  readonly otel: Span;
  readonly parent: OpenSpan | TraceState | undefined;
  readonly trace: TraceState | undefined;
  /** Name at start, then the final name: for the "no two nested spans share a name" check. */
  name: string;
  /** First model input seen below an agent (or a task's first agent input). */
  input?: unknown;
  /** Last model output seen below an agent (or a task's last agent output). */
  output?: unknown;
  agentName?: string;
  /** Tool calls the model asked for and no function span has claimed yet. */
  pendingToolCalls?: RequestedToolCall[];
  /** The context this span's children start in. */
  childContext?: Context;
}

/** The root span of an SDK trace, opened at `onTraceStart`. */
export interface TraceState {
  readonly sdkTraceId: string;
  readonly otel: Span;
  readonly workflowName: string;
  readonly name: string;
  /** Direct children still open: when the last one ends with an error, the run failed. */
  openChildren: number;
  ended: boolean;
  /** Digest leaves of the spans ended so far, when auditing is on. */
  leaves?: SpanLeaf[];
  /** The context this trace's top-level spans start in. */
  childContext?: Context;
}

export const isTraceState = (node: OpenSpan | TraceState | undefined): node is TraceState =>
  node !== undefined && 'sdkTraceId' in node;

/** Walks up from a span to the nearest ancestor of the given type. */
export function nearestAncestor(span: OpenSpan, type: string): OpenSpan | undefined {
  let node = span.parent;
  while (node && !isTraceState(node)) {
    if (node.type === type) return node;
    node = node.parent;
  }
  return undefined;
}

/** Records what a model call saw and said on its agent, and the tool calls it asked for. */
export function recordModelExchange(span: OpenSpan, exchange: ModelExchange): void {
  const agent = nearestAncestor(span, 'agent');
  if (!agent) return;
  if (agent.input === undefined) agent.input = exchange.input;
  if (exchange.output !== undefined) agent.output = exchange.output;
  if (exchange.toolCalls.length > 0) (agent.pendingToolCalls ??= []).push(...exchange.toolCalls);
}

/** An input guardrail's input is its agent's input when no model call saw one (the run was stopped). */
export function recordBlockedInput(guardrailSpan: OpenSpan, input: unknown): void {
  const agent = nearestAncestor(guardrailSpan, 'agent');
  if (agent && agent.input === undefined) agent.input = input;
}

/** Gives a finished agent's input and output to its workflow (task) span. */
export function recordAgentResult(agentSpan: OpenSpan, agentName: string): void {
  const task = nearestAncestor(agentSpan, 'task');
  if (!task) return;
  task.agentName ??= agentName;
  if (task.input === undefined) task.input = agentSpan.input;
  if (agentSpan.output !== undefined) task.output = agentSpan.output;
}

/** Finds (and removes) the tool call a function span is executing. */
export function claimToolCall(span: OpenSpan, name: string, args: string | undefined): string | undefined {
  const agent = nearestAncestor(span, 'agent');
  const pending = agent?.pendingToolCalls;
  if (!pending) return undefined;
  let index = pending.findIndex((c) => c.name === name && c.arguments === args);
  if (index < 0) index = pending.findIndex((c) => c.name === name);
  if (index < 0) return undefined;
  return pending.splice(index, 1)[0]?.callId;
}

/** True when an ancestor already has this name. */
export function ancestorHasName(span: OpenSpan, name: string): boolean {
  let node = span.parent;
  while (node) {
    if (node.name === name) return true;
    node = isTraceState(node) ? undefined : node.parent;
  }
  return false;
}
