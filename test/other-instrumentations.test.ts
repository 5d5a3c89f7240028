/**
 * Inside a larger system: the OpenTelemetry instrumentations an app already runs (openai, undici,
 * http) next to the processor. Each app is its own process with test/readme/instrumentation.ts
 * loaded before it, exports over OTLP to the test Jaeger, and the trace is read back from Jaeger.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readJaegerTrace, startScriptedOpenAI, type ExpectedSpan, type ScriptedOpenAI } from '@agents-tracing/testing';
import '@agents-tracing/testing/vitest';
import { startScript, type ScriptChild } from './support/delivery-child.js';

const APPS = './instrumented-apps.ts';
const PRELOAD = ['../readme/instrumentation.ts'];
// A child process transpiles the workspace sources with tsx on start: slow on a busy machine.
const START_TIMEOUT_MS = 60_000;

/** The model of every app, told apart by model name; each agent calls its tool once, then answers. */
function scriptedModel(): Promise<ScriptedOpenAI> {
  const toolOf: Record<string, { name: string; arguments: Record<string, unknown> }> = {
    'agent-model': { name: 'summarize', arguments: { text: 'a long text' } },
    'front-desk-model': { name: 'ask_records', arguments: { question: 'what is record 7?' } },
    'records-model': { name: 'lookup', arguments: { id: 7 } },
  };
  return startScriptedOpenAI((request) => {
    const call = toolOf[request.model];
    if (call === undefined) return { text: 'a short text' };
    const output = request.toolCalls.find((c) => c.name === call.name)?.output;
    return output === undefined ? { toolCalls: [call] } : { text: `${call.name} said: ${output}` };
  });
}

/** A model call of the Agents SDK: our chat span, the SDK client's fetch under it. */
const agentModelCall = (model: string): ExpectedSpan => ({
  name: `chat ${model}`,
  children: [{ name: 'POST', kind: 'CLIENT', attributes: { 'http.request.method': 'POST' } }],
});

async function stopped(child: ScriptChild | undefined): Promise<void> {
  if (child === undefined) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await child.exited;
  clearTimeout(killer);
}

describe('with the OpenTelemetry instrumentations an app already runs', () => {
  const jaeger = inject('jaeger');
  let model: ScriptedOpenAI;
  const envFor = (serviceEnv: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    SCRIPTED_OPENAI_URL: model.baseURL,
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    ...serviceEnv,
  });
  const traceIdOf = async (child: ScriptChild): Promise<string> => (await child.waitFor(/^trace ([0-9a-f]{32})$/m, START_TIMEOUT_MS))[1]!;

  beforeAll(async () => {
    model = await scriptedModel();
  });
  afterAll(async () => {
    await model.close();
  });

  it("nests @opentelemetry/instrumentation-openai's span for a tool's own openai call under execute_tool", async () => {
    const app = startScript(APPS, ['openai-tool'], { env: envFor(), preload: PRELOAD });
    try {
      const traceId = await traceIdOf(app);
      expect((await app.exited).code, app.output()).toBe(0);
      const read = await readJaegerTrace(jaeger.queryUrl, traceId, { expectSpans: 12 });
      expect(read.serviceName).toBe('summary-app');
      expect(read.roots).toMatchSpanTree([
        {
          name: 'Agent workflow',
          children: [
            {
              name: 'invoke_workflow Agent workflow',
              children: [
                {
                  name: 'invoke_agent Summary agent',
                  children: [
                    {
                      name: 'turn 1 Summary agent',
                      children: [
                        agentModelCall('agent-model'),
                        {
                          name: 'execute_tool summarize',
                          children: [
                            {
                              name: 'chat summary-model',
                              kind: 'CLIENT',
                              attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'summary-model' },
                              children: [{ name: 'POST', kind: 'CLIENT' }],
                            },
                          ],
                        },
                      ],
                    },
                    { name: 'turn 2 Summary agent', children: [agentModelCall('agent-model')] },
                  ],
                },
              ],
            },
          ],
        },
      ]);
    } finally {
      await stopped(app);
    }
  });

  it("puts an agent called over HTTP in another process into the caller's trace, under the tool's span", async () => {
    let service: ScriptChild | undefined;
    let caller: ScriptChild | undefined;
    try {
      service = startScript(APPS, ['records-service'], { env: envFor(), preload: PRELOAD });
      const port = (await service.waitFor(/^listening (\d+)$/m, START_TIMEOUT_MS))[1];
      caller = startScript(APPS, ['front-desk'], { env: envFor({ RECORDS_URL: `http://127.0.0.1:${port}/ask` }), preload: PRELOAD });
      const traceId = await traceIdOf(caller);
      expect((await caller.exited).code, caller.output()).toBe(0);
      expect(caller.output()).toContain('answer ask_records said: lookup said: value-7');

      const read = await readJaegerTrace(jaeger.queryUrl, traceId, { expectSpans: 22 });
      expect(read.serviceName).toBe('front-desk');
      const recordsAgent: ExpectedSpan = {
        name: 'POST',
        kind: 'SERVER',
        attributes: { 'http.request.method': 'POST', 'url.path': '/ask' },
        children: [
          {
            name: 'Agent workflow',
            children: [
              {
                name: 'invoke_workflow Agent workflow',
                children: [
                  {
                    name: 'invoke_agent Records agent',
                    children: [
                      { name: 'turn 1 Records agent', children: [agentModelCall('records-model'), { name: 'execute_tool lookup', children: [] }] },
                      { name: 'turn 2 Records agent', children: [agentModelCall('records-model')] },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      };
      expect(read.roots).toMatchSpanTree([
        {
          name: 'Agent workflow',
          children: [
            {
              name: 'invoke_workflow Agent workflow',
              children: [
                {
                  name: 'invoke_agent Front desk',
                  children: [
                    {
                      name: 'turn 1 Front desk',
                      children: [
                        agentModelCall('front-desk-model'),
                        {
                          name: 'execute_tool ask_records',
                          children: [{ name: 'POST', kind: 'CLIENT', attributes: { 'server.port': Number(port) }, children: [recordsAgent] }],
                        },
                      ],
                    },
                    { name: 'turn 2 Front desk', children: [agentModelCall('front-desk-model')] },
                  ],
                },
              ],
            },
          ],
        },
      ]);
    } finally {
      await Promise.all([stopped(caller), stopped(service)]);
    }
  });
});
