export { startScriptedRealtime } from './server.js';
export type {
  ReceivedRealtimeEvent,
  ScriptedRealtime,
  ScriptedRealtimeCall,
  ScriptedRealtimeDrop,
  ScriptedRealtimeError,
  ScriptedRealtimeOptions,
  ScriptedRealtimeReply,
  ScriptedRealtimeStep,
  ScriptedRealtimeUsage,
} from './types.js';
