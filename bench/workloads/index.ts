import type { ScriptedModels } from '../model/models.js';
import { longConversation } from './conversation.js';
import { handoffs } from './handoffs.js';
import { largePayloads, singleTool } from './single-tool.js';
import type { Workload } from './types.js';

export type { ConversationWorkload, RunWorkload, Workload, WorkloadId } from './types.js';
export { LARGE_PAYLOAD_CHARS } from './single-tool.js';

export function buildWorkloads(models: ScriptedModels, options: { conversationTurns?: number } = {}): Workload[] {
  return [
    singleTool(models),
    handoffs(models),
    largePayloads(models),
    longConversation(models, options.conversationTurns),
  ];
}
