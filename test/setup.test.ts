import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import { setTracingDisabled } from '@openai/agents';
import { buildDemoAgents, runDemoConversation, startDemoModel, type DemoModel } from '@agents-tracing/example-multi-agent';

describe('setupAgentTracing with nothing configured', () => {
  const printed: string[] = [];
  const file = join(mkdtempSync(join(tmpdir(), 'agents-tracing-')), 'nested', 'traces.jsonl');
  let tracing: AgentTracing;
  let model: DemoModel;

  beforeAll(async () => {
    tracing = await setupAgentTracing({ printTrees: (text) => printed.push(text), file, env: { OTEL_SERVICE_NAME: 'svc-from-env' } });
    setTracingDisabled(false);
    model = await startDemoModel('responses', {});
  });
  afterAll(async () => {
    await model.close();
    await tracing.shutdown();
  });

  it('prints each finished trace as a tree and appends it to an OTLP JSON file', async () => {
    const result = await runDemoConversation(buildDemoAgents(model.model), 'weather', false);
    await tracing.forceFlush();
    const hex = result.traceId.slice('trace_'.length);

    expect(printed).toHaveLength(1);
    const text = printed[0]!;
    expect(text.split('\n')[0]).toBe(`trace ${hex}`);
    expect(text).toMatch(/^Travel concierge {2}\d+ms$/m);
    expect(text).toMatch(/^ {6}│ {2}└─ execute_tool get_weather_alerts {2}\d+ms {2}✗ ERROR: Error running tool/m);

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const request = JSON.parse(lines[0]!) as {
      resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { traceId: string; name: string }[] }[] }[];
    };
    const resource = request.resourceSpans[0]!;
    expect(resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('svc-from-env');
    const spans = resource.scopeSpans.flatMap((s) => s.spans);
    expect(spans).toHaveLength(15);
    // Its id generator makes the OpenTelemetry trace id the SDK's.
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([hex]));
    expect(spans.map((s) => s.name)).toContain('Travel concierge');
  });
});
