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
      expect(recorder.processor.openSpanCount).toBe(0);
      expect(recorder.processor.openTraceCount).toBe(0);
    });
  });
});
