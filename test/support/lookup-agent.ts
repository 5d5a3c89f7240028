import { Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, tool } from '@openai/agents';
import { startScriptedOpenAI, type ScriptedOpenAI } from '@agents-tracing/testing';
import { trace } from '@opentelemetry/api';
import OpenAI from 'openai';
import { z } from 'zod';

/**
 * A one-tool agent whose tool makes its own OpenTelemetry spans (as a database client would):
 * the way to check that spans created inside a tool nest under that tool's span.
 */
export interface LookupAgent {
  agent: Agent;
  server: ScriptedOpenAI;
  close(): Promise<void>;
}

export async function startLookupAgent(api: 'responses' | 'chat_completions' = 'responses'): Promise<LookupAgent> {
  const server = await startScriptedOpenAI((request) => {
    const id = /\d+/.exec(request.lastUserText ?? '')?.[0] ?? '0';
    const output = request.toolCalls.find((c) => c.name === 'lookup')?.output;
    return output === undefined
      ? { toolCalls: [{ name: 'lookup', arguments: { id: Number(id) } }] }
      : { text: `record ${id}: ${output}` };
  });
  const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test' });
  const model = api === 'responses' ? new OpenAIResponsesModel(client, 'm') : new OpenAIChatCompletionsModel(client, 'm');
  const lookup = tool({
    name: 'lookup',
    description: 'Looks a record up.',
    parameters: z.object({ id: z.number() }),
    execute: async ({ id }) => {
      const tracer = trace.getTracer('app-db');
      return tracer.startActiveSpan('db.query', { attributes: { 'db.record.id': id } }, async (span) => {
        // An await inside the span: the context must survive it.
        await new Promise((resolve) => setImmediate(resolve));
        const inner = tracer.startSpan('db.decode');
        inner.end();
        span.end();
        return `value-${id}`;
      });
    },
  });
  const agent = new Agent({ name: 'Lookup agent', instructions: 'You look records up.', tools: [lookup], model });
  return { agent, server, close: () => server.close() };
}
