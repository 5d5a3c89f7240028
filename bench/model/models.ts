import { OpenAIResponsesModel, type Model } from '@openai/agents';
import { startScriptedOpenAI, type ScriptedRequest, type ScriptedStep } from '@agents-tracing/testing';
import OpenAI from 'openai';
import { InProcessResponsesModel } from './in-process-model.js';
import { nextStep, type AgentPlan } from './plan.js';

export type ModelTransport = 'in-process' | 'http';

/** Gives each scripted agent its model. Agents are told apart by their instructions. */
export interface ScriptedModels {
  readonly transport: ModelTransport;
  modelFor(instructions: string, plan: AgentPlan): Model;
  close(): Promise<void>;
}

export function inProcessModels(): ScriptedModels {
  return {
    transport: 'in-process',
    modelFor: (_instructions, plan) => new InProcessResponsesModel(plan),
    close: async () => {},
  };
}

function stepFor(plan: AgentPlan, request: ScriptedRequest): ScriptedStep {
  const step = nextStep(plan, new Set(request.toolCalls.map((call) => call.name)));
  const usage = plan.usage;
  return 'text' in step ? { text: step.text, usage } : { toolCalls: [...step.calls], usage };
}

/** The real `OpenAIResponsesModel` talking HTTP to the scripted OpenAI server on loopback. */
export async function httpModels(): Promise<ScriptedModels> {
  const plans = new Map<string, AgentPlan>();
  const server = await startScriptedOpenAI((request) => {
    const plan = plans.get(request.instructions ?? '');
    if (!plan) throw new Error(`no scripted agent has the instructions ${JSON.stringify(request.instructions)}`);
    return stepFor(plan, request);
  });
  const model = new OpenAIResponsesModel(new OpenAI({ baseURL: server.baseURL, apiKey: 'bench' }), 'bench-model');
  return {
    transport: 'http',
    modelFor(instructions, plan) {
      plans.set(instructions, plan);
      return model;
    },
    close: () => server.close(),
  };
}
