import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { recordAgentSpans, type AgentSpanRecorder } from '@agents-tracing/testing';
import { walkSpanTree } from '@agents-tracing/processor';
import {
  buildDemoAgents,
  runDemoConversation,
  startDemoMcpServer,
  startDemoModel,
  type DemoCase,
  type DemoMcpServer,
  type DemoModel,
  type ModelApi,
} from '@agents-tracing/example-multi-agent';
import { expectedDemoTree } from './support/demo-expectations.js';
import { GENAI_CONTENT_KEYS, genaiSchemaViolations } from '../packages/core/test/genai-schemas.js';

const CASES: DemoCase[] = ['weather', 'travel', 'injection'];

describe.each<ModelApi>(['responses', 'chat_completions'])('the demo through the %s model path', (api) => {
  let recorder: AgentSpanRecorder;
  let model: DemoModel;
  let mcp: DemoMcpServer;

  beforeAll(async () => {
    recorder = recordAgentSpans();
    model = await startDemoModel(api, {});
    mcp = await startDemoMcpServer();
  });
  afterAll(async () => {
    await mcp.close();
    await model.close();
    await recorder.stop();
  });

  describe.each([false, true])('streamed: %s', (streamed) => {
    it.each(CASES)('%s gives the whole expected tree', async (demoCase) => {
      const agents = buildDemoAgents(model.model, mcp.server);
      const result = await runDemoConversation(agents, demoCase, streamed);
      const traceId = result.traceId.slice('trace_'.length);
      const roots = recorder.tree({ traceId });

      expect(roots).toMatchSpanTree([expectedDemoTree(demoCase, result.traceId, { mcp: true })]);
      // The OpenTelemetry ids are the SDK's own: the id the SDK prints finds the trace.
      for (const { node } of walkSpanTree(roots)) {
        expect(node.traceId).toBe(traceId);
        const sdkSpanId = node.attributes['openai.agents.span_id'];
        if (sdkSpanId !== undefined) expect(node.spanId).toBe(String(sdkSpanId).slice('span_'.length, 21));
      }
      // Every content attribute of the run follows the GenAI conventions' JSON schemas.
      const nodes = [...walkSpanTree(roots)].map(({ node }) => node);
      expect(genaiSchemaViolations(nodes)).toEqual([]);
      const recordedKeys = new Set(nodes.flatMap((node) => GENAI_CONTENT_KEYS.filter((key) => node.attributes[key] !== undefined)));
      // The injection run stops at the input guardrail, before any model call: only its input is recorded.
      const modelContent = api === 'responses' ? ['gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions'] : ['gen_ai.output.messages'];
      expect([...recordedKeys].sort()).toEqual(['gen_ai.input.messages', ...(demoCase === 'injection' ? [] : modelContent)].sort());
      expect(recorder.processor.openSpanCount).toBe(0);
      expect(recorder.processor.openTraceCount).toBe(0);
    });
  });
});
