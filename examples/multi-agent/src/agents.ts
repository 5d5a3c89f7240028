import { Agent, tool, type InputGuardrail, type MCPServer, type Model, type OutputGuardrail } from '@openai/agents';
import { traceGuardrailInput } from '@agents-tracing/processor';
import { z } from 'zod';

/** Input guardrail: stops prompt-injection attempts before any specialist runs. */
export const injectionGuardrail: InputGuardrail = {
  name: 'prompt injection',
  runInParallel: false,
  execute: async ({ input }) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    const triggered = /ignore (all )?previous instructions/i.test(text);
    return { tripwireTriggered: triggered, outputInfo: { checked: 'prompt injection', triggered } };
  },
};

/** Output guardrail: a reply must never carry an email address. */
export const noEmailGuardrail: OutputGuardrail = {
  name: 'no email addresses',
  execute: async ({ agentOutput }) => {
    const triggered = /[\w.+-]+@[\w-]+\.[\w.]+/.test(String(agentOutput));
    return { tripwireTriggered: triggered, outputInfo: { triggered } };
  },
};

export const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `Sunny, 21°C in ${city}`,
});

/** Always fails: shows a failed tool call in the trace; the SDK reports the error to the model. */
export const getAlerts = tool({
  name: 'get_weather_alerts',
  description: 'Severe weather alerts for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    throw new Error(`alerts service unavailable for ${city}`);
  },
});

export const bookHotel = tool({
  name: 'book_hotel',
  description: 'Books a hotel.',
  parameters: z.object({ city: z.string(), nights: z.number().int() }),
  execute: async ({ city, nights }) => ({ confirmation: `HTL-${city.slice(0, 3).toUpperCase()}-${nights}`, city, nights }),
});

export interface DemoAgents {
  triage: Agent;
  weather: Agent;
  travel: Agent;
  summarizer: Agent;
}

export const AGENT_NAMES = {
  triage: 'Triage',
  weather: 'Weather agent',
  travel: 'Travel agent',
  summarizer: 'Summarizer',
} as const;

/** Instructions double as the routing keys of the scripted model (see script.ts). */
export const INSTRUCTIONS = {
  triage: 'You are the triage agent. Hand weather questions to the weather agent and trips to the travel agent.',
  weather: 'You are the weather agent. Use your tools to report the weather.',
  travel: 'You are the travel agent. Summarise the request, then book hotels.',
  summarizer: 'You are the summarizer. Summarise travel requests in one sentence.',
} as const;

/**
 * The demo's agents, all on `model` (the SDK's default model when absent). With an MCP server,
 * the weather agent also gets its tools (`get_forecast`, `convert_currency`).
 */
export function buildDemoAgents(model?: Model | string, mcpServer?: MCPServer): DemoAgents {
  const common = model ? { model } : {};
  const summarizer = new Agent({ name: AGENT_NAMES.summarizer, instructions: INSTRUCTIONS.summarizer, ...common });
  const weather = new Agent({
    name: AGENT_NAMES.weather,
    instructions: INSTRUCTIONS.weather,
    tools: [getWeather, getAlerts],
    ...(mcpServer ? { mcpServers: [mcpServer] } : {}),
    outputGuardrails: [noEmailGuardrail],
    ...common,
  });
  const travel = new Agent({
    name: AGENT_NAMES.travel,
    instructions: INSTRUCTIONS.travel,
    tools: [
      summarizer.asTool({ toolName: 'summarize_request', toolDescription: 'Summarise the travel request.' }),
      bookHotel,
    ],
    ...common,
  });
  const triage = Agent.create({
    name: AGENT_NAMES.triage,
    instructions: INSTRUCTIONS.triage,
    handoffs: [weather, travel],
    // Wrapped so a blocked prompt is recorded: the run stops before any model call sees it.
    inputGuardrails: [traceGuardrailInput(injectionGuardrail)],
    ...common,
  });
  return { triage: triage as unknown as Agent, weather, travel, summarizer };
}
