/**
 * What a scorer sees of one case: its inputs, outputs and expectations, and the recorded span
 * tree with questions about it answered ("called lookup_policy once", "no guardrail tripped").
 */
import { AGENTS, GEN_AI, buildSpanTree, type FlatSpan, type SpanTreeNode } from '@agents-tracing/processor';

export interface AgentRun<I = unknown, O = unknown> {
  inputs: I;
  /** What the task returned; undefined when it failed. */
  outputs: O | undefined;
  expectations: Record<string, unknown>;
  /** The SDK's trace id (`trace_<32 hex>`). */
  traceId: string;
  /** The task's error message, when it rejected or timed out. */
  error: string | undefined;
  spans: readonly FlatSpan[];
  tree: readonly SpanTreeNode[];
  durationMs: number;
  /** `execute_tool` spans, of one tool when named. */
  toolCalls(name?: string): FlatSpan[];
  /** Guardrail spans whose tripwire was triggered. */
  guardrailTrips(): FlatSpan[];
  /** Agent turns (model round trips) taken. */
  turns(): number;
  /** Names of the agents that ran, in order of first appearance. */
  agents(): string[];
  usage(): { inputTokens: number; outputTokens: number };
}

export function agentRun<I, O>(fields: {
  inputs: I;
  outputs: O | undefined;
  expectations: Record<string, unknown>;
  traceId: string;
  error: string | undefined;
  spans: FlatSpan[];
  durationMs: number;
}): AgentRun<I, O> {
  const { spans } = fields;
  const ofType = (type: string) => spans.filter((span) => span.attributes[AGENTS.SPAN_TYPE] === type);
  return {
    ...fields,
    tree: buildSpanTree(spans),
    toolCalls: (name) =>
      ofType('function').filter((span) => name === undefined || span.attributes[GEN_AI.TOOL_NAME] === name),
    guardrailTrips: () => ofType('guardrail').filter((span) => span.attributes[AGENTS.GUARDRAIL_TRIGGERED] === true),
    turns: () => ofType('turn').length,
    agents: () => [
      ...new Set(
        ofType('agent')
          .sort((a, b) => a.startTime - b.startTime)
          .map((span) => String(span.attributes[GEN_AI.AGENT_NAME] ?? span.name)),
      ),
    ],
    usage: () => usageOf(spans),
  };
}

/** Token usage of the model calls (the spans MLflow counts too). */
export function usageOf(spans: readonly FlatSpan[]): { inputTokens: number; outputTokens: number } {
  let inputTokens = 0;
  let outputTokens = 0;
  for (const span of spans) {
    const type = span.attributes[AGENTS.SPAN_TYPE];
    if (type !== 'generation' && type !== 'response') continue;
    inputTokens += Number(span.attributes[GEN_AI.USAGE_INPUT_TOKENS] ?? 0) || 0;
    outputTokens += Number(span.attributes[GEN_AI.USAGE_OUTPUT_TOKENS] ?? 0) || 0;
  }
  return { inputTokens, outputTokens };
}
