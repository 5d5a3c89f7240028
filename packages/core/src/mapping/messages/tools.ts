import { asRecord, stringOf } from './parts.js';
import type { MessagePart, ToolDefinition } from './types.js';

/** Instructions as the conventions' list of parts. */
export function systemInstructions(instructions: unknown): MessagePart[] | undefined {
  if (typeof instructions === 'string') return instructions ? [{ type: 'text', content: instructions }] : undefined;
  if (!Array.isArray(instructions) || instructions.length === 0) return undefined;
  return instructions.map((item): MessagePart => {
    if (typeof item === 'string') return { type: 'text', content: item };
    const record = asRecord(item);
    const text = stringOf(record?.text, typeof record?.content === 'string' ? record.content : undefined);
    return text !== undefined ? { type: 'text', content: text } : { type: 'instruction', value: item };
  });
}

/**
 * Tool definitions of a Responses API request (flat `{type, name, parameters}`) or a Chat
 * Completions one (`{type, function: {…}}`). Hosted tools have no name: they are named after
 * their type (an MCP server after its label).
 */
export function toolDefinitions(tools: unknown): ToolDefinition[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  const definitions = tools.flatMap((value): ToolDefinition[] => {
    const tool = asRecord(value);
    if (!tool) return [];
    const fn = asRecord(tool.function) ?? tool;
    const type = stringOf(tool.type) ?? 'function';
    const name = stringOf(fn.name, tool.server_label, tool.type);
    if (!name) return [];
    const definition: ToolDefinition = { type, name };
    if (typeof fn.description === 'string') definition.description = fn.description;
    if (asRecord(fn.parameters)) definition.parameters = fn.parameters;
    return [definition];
  });
  return definitions.length > 0 ? definitions : undefined;
}
