import { expect } from 'vitest';
import type { ExpectedSpan } from '@agents-tracing/testing';
import { DEMO_GROUP_ID, DEMO_WORKFLOW, SCRIPTED_MODEL_NAME, type DemoCase } from '@agents-tracing/example-multi-agent';

const chat = (input: number, output: number, extra: ExpectedSpan['attributes'] = {}): ExpectedSpan => ({
  name: `chat ${SCRIPTED_MODEL_NAME}`,
  kind: 'CLIENT',
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': SCRIPTED_MODEL_NAME,
    'gen_ai.response.id': expect.stringMatching(/^(resp_|chatcmpl)/),
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
    'gen_ai.input.messages': expect.any(String),
    'gen_ai.output.messages': expect.any(String),
    ...extra,
  },
});

const guardrail = (name: string, triggered: boolean): ExpectedSpan => ({
  name: `guardrail ${name}`,
  kind: 'INTERNAL',
  status: triggered ? 'ERROR' : 'OK',
  attributes: { 'openai.agents.guardrail.name': name, 'openai.agents.guardrail.triggered': triggered },
});

const handoff = (to: string): ExpectedSpan => ({
  name: `handoff Triage → ${to}`,
  attributes: { 'openai.agents.handoff.from': 'Triage', 'openai.agents.handoff.to': to },
});

const tool = (name: string, args: string, result: NonNullable<ExpectedSpan['attributes']>[string] | undefined, extra: Partial<ExpectedSpan> = {}): ExpectedSpan => ({
  name: `execute_tool ${name}`,
  kind: 'INTERNAL',
  attributes: {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': name,
    'gen_ai.tool.type': 'function',
    'gen_ai.tool.call.id': expect.stringMatching(/^call_/),
    'gen_ai.tool.call.arguments': args,
    ...(result === undefined ? {} : { 'gen_ai.tool.call.result': result }),
  },
  ...extra,
});

const root = (demoCase: DemoCase, sdkTraceId: string, failed = false): Omit<ExpectedSpan, 'children'> => ({
  name: DEMO_WORKFLOW,
  kind: 'INTERNAL',
  status: failed ? 'ERROR' : 'OK',
  attributes: {
    'gen_ai.operation.name': 'invoke_workflow',
    'gen_ai.workflow.name': DEMO_WORKFLOW,
    'gen_ai.conversation.id': DEMO_GROUP_ID,
    'openai.agents.trace_id': sdkTraceId,
    'openai.agents.metadata.demo_case': demoCase,
    'user.id': 'demo-user',
  },
});

// A run stopped by an input guardrail ends the agent span before the SDK records its handoffs.
const triageAgent = (children: ExpectedSpan[], failed = false): ExpectedSpan => ({
  name: 'invoke_agent Triage',
  ...(failed ? { status: 'ERROR' as const } : {}),
  attributes: {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'Triage',
    ...(failed ? {} : { 'openai.agents.agent.handoffs': ['Weather agent', 'Travel agent'] }),
  },
  children,
});

const listTools: ExpectedSpan = {
  name: 'list_tools travel-data',
  kind: 'CLIENT',
  attributes: { 'openai.agents.mcp.server': 'travel-data', 'openai.agents.mcp.tools': ['get_forecast', 'convert_currency'] },
};

const forecastTool: ExpectedSpan = {
  name: 'execute_tool get_forecast',
  attributes: {
    'gen_ai.tool.type': 'extension',
    'gen_ai.tool.call.id': expect.stringMatching(/^call_/),
    'gen_ai.tool.call.arguments': '{"city":"Paris","days":2}',
    'gen_ai.tool.call.result': expect.stringContaining('Paris, 2 days'),
    'openai.agents.mcp.data': '{"server":"travel-data"}',
  },
};

export interface DemoTreeOptions {
  /** The weather agent had the demo's MCP server. */
  mcp?: boolean;
}

/** The whole expected tree of one demo conversation: every span, its parent and key attributes. */
export function expectedDemoTree(demoCase: DemoCase, sdkTraceId: string, options: DemoTreeOptions = {}): ExpectedSpan {
  const mcp = options.mcp === true;
  if (demoCase === 'weather') {
    return {
      ...root('weather', sdkTraceId),
      children: [
        {
          name: `invoke_workflow ${DEMO_WORKFLOW}`,
          attributes: {
            'openai.agents.usage.input_tokens': 590,
            'openai.agents.usage.output_tokens': 60,
            'openai.agents.usage.requests': 3,
            'gen_ai.input.messages': expect.stringContaining('What is the weather in Paris?'),
            'gen_ai.output.messages': expect.stringContaining('Sunny, 21°C in Paris'),
          },
          children: [
            triageAgent([
              { name: 'turn 1 Triage', children: [chat(120, 12), handoff('Weather agent')] },
              guardrail('prompt injection', false),
            ]),
            {
              name: 'invoke_agent Weather agent',
              attributes: {
                'gen_ai.agent.name': 'Weather agent',
                'openai.agents.agent.tools': mcp
                  ? ['get_forecast', 'convert_currency', 'get_weather', 'get_weather_alerts']
                  : ['get_weather', 'get_weather_alerts'],
                'gen_ai.output.messages': expect.stringContaining('No alerts could be fetched'),
              },
              children: [
                {
                  name: 'turn 2 Weather agent',
                  attributes: { 'openai.agents.turn': 2, 'openai.agents.usage.input_tokens': 210 },
                  children: [
                    chat(210, 30),
                    tool('get_weather', '{"city":"Paris"}', 'Sunny, 21°C in Paris'),
                    tool('get_weather_alerts', '{"city":"Paris"}', undefined, {
                      status: 'ERROR',
                      attributes: {
                        'gen_ai.tool.name': 'get_weather_alerts',
                        'gen_ai.tool.call.id': expect.stringMatching(/^call_/),
                        'error.type': expect.any(String),
                      },
                    }),
                    ...(mcp ? [forecastTool] : []),
                  ],
                },
                { name: 'turn 3 Weather agent', children: [chat(260, 18)] },
                guardrail('no email addresses', false),
                // The SDK lists an MCP server's tools once per turn.
                ...(mcp ? [listTools, listTools] : []),
              ],
            },
          ],
        },
      ],
    };
  }
  if (demoCase === 'travel') {
    return {
      ...root('travel', sdkTraceId),
      children: [
        {
          name: `invoke_workflow ${DEMO_WORKFLOW}`,
          attributes: { 'gen_ai.output.messages': expect.stringContaining('Booked') },
          children: [
            triageAgent([
              { name: 'turn 1 Triage', children: [chat(120, 12), handoff('Travel agent')] },
              guardrail('prompt injection', false),
            ]),
            {
              name: 'invoke_agent Travel agent',
              children: [
                {
                  name: 'turn 2 Travel agent',
                  children: [
                    chat(180, 20),
                    tool('summarize_request', expect.stringContaining('Lisbon') as never, 'A two-night stay in Lisbon.', {
                      children: [
                        {
                          name: `invoke_workflow ${DEMO_WORKFLOW} (nested)`,
                          children: [
                            {
                              name: 'invoke_agent Summarizer',
                              children: [{ name: 'turn 1 Summarizer', children: [chat(60, 9)] }],
                            },
                          ],
                        },
                      ],
                    }),
                  ],
                },
                {
                  name: 'turn 3 Travel agent',
                  children: [chat(220, 16), tool('book_hotel', '{"city":"Lisbon","nights":2}', expect.stringContaining('HTL-LIS-2') as never)],
                },
                { name: 'turn 4 Travel agent', children: [chat(300, 14)] },
              ],
            },
          ],
        },
      ],
    };
  }
  return {
    ...root('injection', sdkTraceId, true),
    children: [
      {
        name: `invoke_workflow ${DEMO_WORKFLOW}`,
        status: 'ERROR',
        children: [
          triageAgent(
            [guardrail('prompt injection', true), { name: 'turn 1 Triage', status: 'ERROR', children: [] }],
            true,
          ),
        ],
      },
    ],
  };
}
