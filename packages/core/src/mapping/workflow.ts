import type { TaskSpanData, TurnSpanData } from '@openai/agents-core';
import { AGENTS, GEN_AI, GEN_AI_OPERATION } from '../attributes.js';
import type { SpanAttributes } from './span-attributes.js';
import type { DerivedContent, TraceInfo } from './types.js';
import { setRollupUsage } from './usage.js';

export const DEFAULT_WORKFLOW_NAME = 'Agent workflow';

/** The root span of a trace: named after the workflow. */
export function mapTrace(trace: TraceInfo, attributes: SpanAttributes): string {
  const name = trace.name || DEFAULT_WORKFLOW_NAME;
  attributes.set(GEN_AI.OPERATION_NAME, GEN_AI_OPERATION.INVOKE_WORKFLOW);
  attributes.set(GEN_AI.WORKFLOW_NAME, name);
  attributes.set(GEN_AI.CONVERSATION_ID, trace.groupId);
  attributes.set(AGENTS.TRACE_ID, trace.traceId);
  attributes.set(AGENTS.SPAN_TYPE, 'trace');
  for (const [key, value] of Object.entries(trace.metadata ?? {})) {
    attributes.data(`${AGENTS.METADATA_PREFIX}${key}`, value);
  }
  const userId = trace.metadata?.user_id ?? trace.metadata?.userId;
  if (typeof userId === 'string' || typeof userId === 'number') attributes.set('user.id', String(userId));
  return name;
}

/**
 * One `run()` inside the trace. Named `invoke_workflow {workflow}` (the GenAI convention) so it
 * never shares a name with the root, which carries the bare workflow name.
 */
export function mapTask(
  data: TaskSpanData,
  attributes: SpanAttributes,
  derived: DerivedContent,
  workflowName: string,
): string {
  attributes.set(GEN_AI.OPERATION_NAME, GEN_AI_OPERATION.INVOKE_WORKFLOW);
  attributes.set(GEN_AI.WORKFLOW_NAME, workflowName);
  attributes.set(AGENTS.TASK_NAME, data.name);
  attributes.set(GEN_AI.AGENT_NAME, derived.agentName);
  setRollupUsage(attributes, data.usage);
  attributes.content(GEN_AI.INPUT_MESSAGES, derived.input);
  attributes.content(GEN_AI.OUTPUT_MESSAGES, derived.output);
  return `${GEN_AI_OPERATION.INVOKE_WORKFLOW} ${workflowName}`;
}

export function mapTurn(data: TurnSpanData, attributes: SpanAttributes): string {
  attributes.number(AGENTS.TURN, data.turn);
  attributes.set(GEN_AI.AGENT_NAME, data.agent_name);
  setRollupUsage(attributes, data.usage);
  return `turn ${data.turn} ${data.agent_name}`;
}
