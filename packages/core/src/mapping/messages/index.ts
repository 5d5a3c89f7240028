export { chatInputMessages, chatOutputMessages } from './chat.js';
export { responsesMessages, responsesOutput } from './responses.js';
export { systemInstructions, toolDefinitions } from './tools.js';
export type { ChatMessage, MessagePart, Modality, OutputMessage, Role, ToolDefinition } from './types.js';
