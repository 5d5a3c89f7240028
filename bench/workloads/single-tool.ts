import { Agent, run } from '@openai/agents';
import type { ScriptedModels } from '../model/models.js';
import { answeringTool, largeText } from './tools.js';
import type { RunWorkload } from './types.js';

const INSTRUCTIONS = 'You answer questions. Look facts up with the lookup tool before answering.';

/** task, agent, 2 × (turn, response), 1 function; plus the trace's root. */
const SPANS_PER_RUN = 8;

function singleToolRun(models: ScriptedModels, question: string, toolResult: string): () => Promise<void> {
  const lookup = answeringTool('lookup', toolResult);
  const agent = new Agent({
    name: 'Assistant',
    instructions: INSTRUCTIONS,
    tools: [lookup],
    model: models.modelFor(INSTRUCTIONS, {
      steps: [{ calls: [{ name: 'lookup', arguments: { query: 'capital of France' } }] }, { text: 'Paris.' }],
      usage: { inputTokens: 120, outputTokens: 20 },
    }),
  });
  return async () => {
    await run(agent, question);
  };
}

/** (a) One agent, one tool call, two model turns. */
export function singleTool(models: ScriptedModels): RunWorkload {
  return {
    kind: 'runs',
    id: 'a',
    title: 'one agent, one tool call, two model turns',
    spansPerRun: SPANS_PER_RUN,
    run: singleToolRun(models, 'What is the capital of France?', 'Paris is the capital of France.'),
  };
}

export const LARGE_PAYLOAD_CHARS = 1024 * 1024;

/** (c) As (a), with a 1 MB prompt and a 1 MB tool result. */
export function largePayloads(models: ScriptedModels): RunWorkload {
  return {
    kind: 'runs',
    id: 'c',
    title: 'as (a) with a 1 MB prompt and a 1 MB tool result',
    spansPerRun: SPANS_PER_RUN,
    run: singleToolRun(models, largeText(LARGE_PAYLOAD_CHARS), largeText(LARGE_PAYLOAD_CHARS)),
  };
}
