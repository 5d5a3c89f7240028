import type { AgentSpanData, HandoffSpanData } from '@openai/agents-core';
import { AGENTS, GEN_AI, GEN_AI_OPERATION } from '../attributes.js';
import type { SpanAttributes } from './span-attributes.js';
import type { DerivedContent } from './types.js';

export function mapAgent(data: AgentSpanData, attributes: SpanAttributes, derived: DerivedContent): string {
  attributes.set(GEN_AI.OPERATION_NAME, GEN_AI_OPERATION.INVOKE_AGENT);
  attributes.set(GEN_AI.PROVIDER_NAME, 'openai');
  attributes.set(GEN_AI.AGENT_NAME, data.name);
  attributes.strings(AGENTS.AGENT_HANDOFFS, data.handoffs);
  attributes.strings(AGENTS.AGENT_TOOLS, data.tools);
  attributes.set(AGENTS.AGENT_OUTPUT_TYPE, data.output_type);
  attributes.content(GEN_AI.INPUT_MESSAGES, derived.input);
  attributes.content(GEN_AI.OUTPUT_MESSAGES, derived.output);
  return `${GEN_AI_OPERATION.INVOKE_AGENT} ${data.name}`;
}

export function mapHandoff(data: HandoffSpanData, attributes: SpanAttributes): string {
  attributes.set(AGENTS.HANDOFF_FROM, data.from_agent);
  attributes.set(AGENTS.HANDOFF_TO, data.to_agent);
  return `handoff ${data.from_agent ?? '?'} → ${data.to_agent ?? '?'}`;
}
