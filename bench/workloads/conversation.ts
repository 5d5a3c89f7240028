import { Agent, run, user, withTrace, type AgentInputItem } from '@openai/agents';
import type { ScriptedModels } from '../model/models.js';
import type { ConversationWorkload } from './types.js';

const INSTRUCTIONS = 'You are a patient assistant in a long chat. Answer each message briefly.';
const REPLY =
  'Understood. Here is a short answer that refers back to what we discussed earlier, with enough words ' +
  'to look like a real reply from a chat assistant rather than a one-word placeholder.';

/** task, agent, turn, response per turn; the root span comes once per conversation. */
const SPANS_PER_TURN = 4;

/** (d) A long conversation: every turn sends the whole history, so the model input grows. */
export function longConversation(models: ScriptedModels, turns = 200): ConversationWorkload {
  const agent = new Agent({
    name: 'Chat assistant',
    instructions: INSTRUCTIONS,
    model: models.modelFor(INSTRUCTIONS, { steps: [{ text: REPLY }], usage: { inputTokens: 400, outputTokens: 60 } }),
  });
  return {
    kind: 'conversation',
    id: 'd',
    title: `a ${turns}-turn conversation, the whole history sent every turn`,
    turns,
    spansPerTurn: SPANS_PER_TURN,
    async converse(turnLimit, onTurn) {
      await withTrace('Long conversation', async () => {
        let history: AgentInputItem[] = [];
        for (let turn = 1; turn <= (turnLimit ?? turns); turn++) {
          const input = [...history, user(`Message ${turn}: tell me one more thing about the topic we are discussing.`)];
          const result = await run(agent, input);
          await onTurn(turn);
          history = result.history;
        }
      });
    },
  };
}
