import type { FunctionSpanData, MCPListToolsSpanData } from '@openai/agents-core';
import { AGENTS, GEN_AI, GEN_AI_OPERATION } from '../attributes.js';
import type { SpanAttributes } from './span-attributes.js';
import type { DerivedContent } from './types.js';

export function mapFunction(data: FunctionSpanData, attributes: SpanAttributes, derived: DerivedContent): string {
  attributes.set(GEN_AI.OPERATION_NAME, GEN_AI_OPERATION.EXECUTE_TOOL);
  attributes.set(GEN_AI.TOOL_NAME, data.name);
  attributes.set(GEN_AI.TOOL_TYPE, data.mcp_data ? 'extension' : 'function');
  attributes.set(GEN_AI.TOOL_CALL_ID, derived.toolCallId);
  attributes.content(GEN_AI.TOOL_CALL_ARGUMENTS, data.input || undefined);
  attributes.content(GEN_AI.TOOL_CALL_RESULT, data.output);
  attributes.content(AGENTS.MCP_DATA, data.mcp_data);
  return `${GEN_AI_OPERATION.EXECUTE_TOOL} ${data.name}`;
}

export function mapMcpListTools(data: MCPListToolsSpanData, attributes: SpanAttributes): string {
  attributes.set(AGENTS.MCP_SERVER, data.server);
  attributes.strings(AGENTS.MCP_TOOLS, data.result);
  return `list_tools ${data.server ?? 'mcp'}`;
}
