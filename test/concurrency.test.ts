import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@agents-tracing/testing/vitest';
import { recordAgentSpans, type AgentSpanRecorder } from '@agents-tracing/testing';
import {
  buildDemoAgents,
  runDemoConversation,
  startDemoModel,
  type DemoCase,
  type DemoModel,
} from '@agents-tracing/example-multi-agent';
import { expectedDemoTree } from './support/demo-expectations.js';

describe('200 concurrent runs', () => {
  let recorder: AgentSpanRecorder;
  let model: DemoModel;
  beforeAll(async () => {
    recorder = recordAgentSpans();
    model = await startDemoModel('responses', {});
  });
  afterAll(async () => {
    await model.close();
    await recorder.stop();
  });

  it('give 200 separate, correct trees and release all per-trace state', async () => {
    const agents = buildDemoAgents(model.model);
    const cases: DemoCase[] = ['weather', 'travel', 'injection'];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => runDemoConversation(agents, cases[i % 3]!, i % 2 === 1)),
    );
    expect(new Set(results.map((r) => r.traceId)).size).toBe(200);
    for (const result of results) {
      const roots = recorder.tree({ traceId: result.traceId.slice('trace_'.length) });
      expect(roots).toMatchSpanTree([expectedDemoTree(result.name, result.traceId)]);
    }
    expect(recorder.processor.openSpanCount).toBe(0);
    expect(recorder.processor.openTraceCount).toBe(0);
  });
});
