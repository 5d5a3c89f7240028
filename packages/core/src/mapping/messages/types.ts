/**
 * Message shapes of the OpenTelemetry GenAI semantic conventions (`gen_ai.input.messages`,
 * `gen_ai.output.messages`, `gen_ai.system_instructions`, `gen_ai.tool.definitions`).
 */

export type Modality = 'image' | 'video' | 'audio' | 'document';

export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'server_tool_call'; id?: string; name: string; server_tool_call: { type: string; [key: string]: unknown } }
  | { type: 'server_tool_call_response'; id?: string; server_tool_call_response: { type: string; [key: string]: unknown } }
  | { type: 'reasoning'; content: string }
  | { type: 'blob'; modality: Modality | string; mime_type?: string; content: string; size_bytes?: number }
  | { type: 'uri'; modality: Modality | string; mime_type?: string; uri: string }
  | { type: 'file'; modality: Modality | string; mime_type?: string; file_id: string }
  | { type: string; [key: string]: unknown };

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: Role | string;
  parts: MessagePart[];
  name?: string;
}

export interface OutputMessage extends ChatMessage {
  finish_reason: string;
}

export interface ToolDefinition {
  type: string;
  name: string;
  description?: string | null;
  parameters?: unknown;
}
