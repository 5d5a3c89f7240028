export { startScriptedOpenAI } from './server.js';
export { byAgent, handoffTo, type AgentRoute } from './routing.js';
export type {
  ConversationEntry,
  ConversationToolCall,
  Script,
  ScriptedApi,
  ScriptedFailure,
  ScriptedOpenAI,
  ScriptedOpenAIOptions,
  ScriptedReply,
  ScriptedRequest,
  ScriptedResponder,
  ScriptedStep,
  ScriptedToolCall,
  ScriptedUsage,
} from './types.js';
