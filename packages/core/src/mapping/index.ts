import { SpanKind } from '@opentelemetry/api';
import type { SpanData } from '@openai/agents-core';
import { mapAgent, mapHandoff } from './agent.js';
import { mapAudio } from './audio.js';
import { mapCustom, mapUnknown } from './custom.js';
import { mapGuardrail } from './guardrail.js';
import { mapGeneration, mapResponse } from './model.js';
import type { SpanAttributes } from './span-attributes.js';
import { mapFunction, mapMcpListTools } from './tool.js';
import type { DerivedContent } from './types.js';
import { mapTask, mapTurn } from './workflow.js';

export { mapTrace, DEFAULT_WORKFLOW_NAME } from './workflow.js';
export { errorTypeFor } from './errors.js';
export { responsesMessages } from './messages/index.js';
export { modelExchange, type ModelExchange, type RequestedToolCall } from './model.js';
export { SpanAttributes } from './span-attributes.js';
export type { DerivedContent, TraceInfo } from './types.js';

const CLIENT_TYPES: ReadonlySet<string> = new Set([
  'generation',
  'response',
  'mcp_tools',
  'transcription',
  'speech',
  'speech_group',
]);

/** Spans that call out of the process are CLIENT spans; everything in-process is INTERNAL. */
export function spanKindFor(type: string): SpanKind {
  return CLIENT_TYPES.has(type) ? SpanKind.CLIENT : SpanKind.INTERNAL;
}

/**
 * Fills the attributes of a finished span and returns its name. Pure: everything it needs is in
 * its arguments.
 */
export function mapSpanData(
  data: SpanData,
  attributes: SpanAttributes,
  derived: DerivedContent,
  workflowName: string,
): string {
  switch (data.type) {
    case 'task':
      return mapTask(data, attributes, derived, workflowName);
    case 'turn':
      return mapTurn(data, attributes);
    case 'agent':
      return mapAgent(data, attributes, derived);
    case 'generation':
      return mapGeneration(data, attributes, derived.exchange);
    case 'response':
      return mapResponse(data, attributes, derived.exchange);
    case 'function':
      return mapFunction(data, attributes, derived);
    case 'mcp_tools':
      return mapMcpListTools(data, attributes);
    case 'handoff':
      return mapHandoff(data, attributes);
    case 'guardrail':
      return mapGuardrail(data, attributes);
    case 'custom':
      return mapCustom(data, attributes);
    case 'transcription':
    case 'speech':
    case 'speech_group':
      return mapAudio(data, attributes);
    default:
      return mapUnknown(data as { type: string }, attributes);
  }
}

/** A provisional name for a span that has just started; the final one is set when it ends. */
export function startName(data: SpanData, workflowName: string): string {
  switch (data.type) {
    case 'task':
      return `invoke_workflow ${workflowName}`;
    case 'agent':
      return `invoke_agent ${data.name}`;
    case 'function':
      return `execute_tool ${data.name}`;
    case 'generation':
    case 'response':
      return 'chat';
    case 'guardrail':
      return `guardrail ${data.name}`;
    case 'custom':
      return data.name || 'custom';
    default:
      return String(data.type);
  }
}
