import { Agent, OpenAIResponsesModel, run, tool, withTrace } from '@openai/agents';
import { setupAgentTracing, type SetupAgentTracingOptions } from '@agents-tracing/delivery';
import { startScriptedOpenAI, type ScriptedOpenAI } from '@agents-tracing/testing';
import OpenAI from 'openai';
import { z } from 'zod';

/**
 * A support agent on a scripted model: it looks the policy up with a tool, then answers. With
 * "careless" in its instructions the model skips the tool and answers wrongly, so two versions
 * score differently.
 */
export interface PolicyAgent {
  server: ScriptedOpenAI;
  ask(question: string, version?: 'careful' | 'careless'): Promise<string>;
  /**
   * Asks inside a trace "Support question", traced with `tracing` (no exit hooks, not global) and
   * shut down after: the trace id (`trace_<32 hex>`) once everything was delivered.
   */
  askTraced(question: string, tracing: SetupAgentTracingOptions): Promise<string>;
  close(): Promise<void>;
}

const POLICIES: Record<string, string> = { refund: '30 days', exchange: '60 days', warranty: '2 years' };

export async function startPolicyAgent(): Promise<PolicyAgent> {
  const server = await startScriptedOpenAI((request) => {
    const topic = Object.keys(POLICIES).find((t) => request.lastUserText?.toLowerCase().includes(t)) ?? 'refund';
    if (request.instructions?.includes('careless')) return { text: `The ${topic} period is 7 days.` };
    const output = request.toolCalls.find((c) => c.name === 'lookup_policy')?.output;
    return output === undefined
      ? { toolCalls: [{ name: 'lookup_policy', arguments: { topic } }] }
      : { text: `The ${topic} period is ${output}.` };
  });
  const model = new OpenAIResponsesModel(new OpenAI({ baseURL: server.baseURL, apiKey: 'test' }), 'gpt-4.1-mini');
  const lookup = tool({
    name: 'lookup_policy',
    description: 'The store policy on a topic.',
    parameters: z.object({ topic: z.string() }),
    execute: async ({ topic }) => POLICIES[topic] ?? 'unknown',
  });
  const agents = {
    careful: new Agent({ name: 'Support', instructions: 'Look the policy up, then answer.', tools: [lookup], model }),
    careless: new Agent({ name: 'Support', instructions: 'Answer at once, careless.', tools: [lookup], model }),
  };
  const ask = async (question: string, version: 'careful' | 'careless' = 'careful') => String((await run(agents[version], question)).finalOutput);
  return {
    server,
    ask,
    async askTraced(question, options) {
      const tracing = await setupAgentTracing({ exitHooks: false, registerGlobal: false, ...options });
      let traceId = '';
      try {
        await withTrace('Support question', async (trace) => {
          traceId = trace.traceId;
          await ask(question);
        });
      } finally {
        await tracing.shutdown();
      }
      return traceId;
    },
    close: () => server.close(),
  };
}
