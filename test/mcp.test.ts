import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { Agent, OpenAIResponsesModel, run, withTrace } from '@openai/agents';
import OpenAI from 'openai';
import {
  byAgent,
  recordAgentSpans,
  startScriptedOpenAI,
  type AgentSpanRecorder,
  type ExpectedSpan,
  type ScriptedOpenAI,
} from '@agents-tracing/testing';
import { forecastFor, startDemoMcpServer, TRAVEL_DATA_SERVER_NAME, type DemoMcpServer } from '../examples/multi-agent/src/mcp/index.js';

const INSTRUCTIONS = 'You forecast the weather with the travel-data tools.';
const WORKFLOW = 'MCP forecast';
const MCP_TOOLS = ['get_forecast', 'convert_currency'];
const FORECAST = forecastFor('Paris', 3);

/** The pids of this process's children that run the travel-data server script (read from /proc). */
function travelDataServerPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (parentPid === process.pid && commandLine.includes('mcp/server.ts')) pids.push(Number(entry));
    } catch {
      // The process ended while being read.
    }
  }
  return pids;
}

async function finalOutput(agent: Agent, input: string, streamed: boolean): Promise<string> {
  if (!streamed) return String((await run(agent, input)).finalOutput);
  const result = await run(agent, input, { stream: true });
  for await (const _event of result) {
    // Consuming the stream drives the run.
  }
  await result.completed;
  return String(result.finalOutput);
}

const listTools: ExpectedSpan = {
  name: `list_tools ${TRAVEL_DATA_SERVER_NAME}`,
  kind: 'CLIENT',
  status: 'OK',
  attributes: { 'openai.agents.mcp.server': TRAVEL_DATA_SERVER_NAME, 'openai.agents.mcp.tools': MCP_TOOLS },
  children: [],
};

const chat: ExpectedSpan = { name: 'chat m', kind: 'CLIENT', children: [] };

const expectedTree = (sdkTraceId: string): ExpectedSpan => ({
  name: WORKFLOW,
  attributes: { 'openai.agents.trace_id': sdkTraceId },
  children: [
    {
      name: `invoke_workflow ${WORKFLOW}`,
      children: [
        {
          name: 'invoke_agent Forecaster',
          attributes: { 'openai.agents.agent.tools': MCP_TOOLS },
          // The SDK lists the server's tools at the start of every turn, under the agent span.
          children: [
            listTools,
            listTools,
            {
              name: 'turn 1 Forecaster',
              children: [
                chat,
                {
                  name: 'execute_tool get_forecast',
                  kind: 'INTERNAL',
                  status: 'OK',
                  attributes: {
                    'gen_ai.operation.name': 'execute_tool',
                    'gen_ai.tool.name': 'get_forecast',
                    'gen_ai.tool.type': 'extension',
                    'gen_ai.tool.call.id': expect.stringMatching(/^call_/),
                    'gen_ai.tool.call.arguments': '{"city":"Paris","days":3}',
                    // The SDK hands on the MCP result's single content item as the tool output.
                    'gen_ai.tool.call.result': JSON.stringify({ type: 'text', text: FORECAST }),
                    'openai.agents.mcp.data': JSON.stringify({ server: TRAVEL_DATA_SERVER_NAME }),
                  },
                  children: [],
                },
              ],
            },
            { name: 'turn 2 Forecaster', children: [chat] },
          ],
        },
      ],
    },
  ],
});

describe('an agent with the travel-data MCP server', () => {
  let recorder: AgentSpanRecorder;
  let scripted: ScriptedOpenAI;
  let mcp: DemoMcpServer;
  let agent: Agent;

  beforeAll(async () => {
    recorder = recordAgentSpans();
    scripted = await startScriptedOpenAI(
      byAgent({
        [INSTRUCTIONS]: (request) => {
          const forecast = request.toolCalls.find((call) => call.name === 'get_forecast')?.output;
          return forecast === undefined
            ? { toolCalls: [{ name: 'get_forecast', arguments: { city: 'Paris', days: 3 } }] }
            : { text: `Here is the forecast. ${forecast}` };
        },
      }),
    );
    mcp = await startDemoMcpServer();
    const model = new OpenAIResponsesModel(new OpenAI({ baseURL: scripted.baseURL, apiKey: 'test' }), 'm');
    agent = new Agent({ name: 'Forecaster', instructions: INSTRUCTIONS, model, mcpServers: [mcp.server] });
  });
  afterAll(async () => {
    await mcp?.close();
    await scripted?.close();
    await recorder?.stop();
  });

  it.each([false, true])('traces the tool listing and the MCP tool call (streamed: %s)', async (streamed) => {
    const { sdkTraceId, output } = await withTrace(WORKFLOW, async (trace) => ({
      sdkTraceId: trace.traceId,
      output: await finalOutput(agent, 'Forecast for Paris, three days?', streamed),
    }));

    // The model got the server's answer.
    expect(output).toBe(`Here is the forecast. ${FORECAST}`);
    expect(recorder.tree({ traceId: sdkTraceId.slice('trace_'.length) })).toMatchSpanTree([expectedTree(sdkTraceId)]);
    expect(recorder.processor.openSpanCount).toBe(0);
    expect(recorder.processor.openTraceCount).toBe(0);
  });
});

describe('the travel-data MCP server process', () => {
  it('runs while connected and ends on close', async () => {
    const before = new Set(travelDataServerPids());
    const mcp = await startDemoMcpServer();
    const started = travelDataServerPids().filter((pid) => !before.has(pid));
    expect(started).toHaveLength(1);

    await mcp.close();
    expect(travelDataServerPids()).not.toContain(started[0]);
  });
});
