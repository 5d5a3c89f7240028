import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { setTraceProcessors, setTracingDisabled, run } from '@openai/agents';
import { walkSpanTree, buildSpanTree, flatSpanFromReadable } from '@agents-tracing/processor';
import { startLookupAgent, type LookupAgent } from './support/lookup-agent.js';
import { startTracing } from './readme/with-existing-otel.js';
import { answer } from './readme/with-setup.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README examples', () => {
  it.each([
    'readme/with-existing-otel.ts',
    'readme/with-setup.ts',
    'readme/agent-span-tree.example.test.ts',
    'readme/agent-metrics.example.test.ts',
    'readme/voice-session.example.test.ts',
    'readme/instrumentation.ts',
    'readme/serve-agent.ts',
  ])(
    'shows %s exactly as it is in the repository',
    (file) => {
      const code = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(README).toContain(`<!-- example: test/${file} -->\n\`\`\`ts\n${code}\n\`\`\``);
    },
  );

  describe('with an existing OpenTelemetry set-up', () => {
    let lookup: LookupAgent;
    beforeAll(async () => {
      lookup = await startLookupAgent();
    });
    afterAll(async () => {
      await lookup.close();
      setTraceProcessors([]);
      trace.disable();
      context.disable();
    });

    it('exports the agent tree, tool-internal spans nested, with the SDK trace id', async () => {
      const exporter = new InMemorySpanExporter();
      const provider = startTracing(exporter);
      setTracingDisabled(false);
      await run(lookup.agent, 'record 7');
      await provider.forceFlush();
      const roots = buildSpanTree(exporter.getFinishedSpans().map(flatSpanFromReadable));
      const names = [...walkSpanTree(roots)].map(({ node, depth }) => `${depth}:${node.name}`);
      expect(names).toEqual([
        '0:Agent workflow',
        '1:invoke_workflow Agent workflow',
        '2:invoke_agent Lookup agent',
        '3:turn 1 Lookup agent',
        '4:chat m',
        '4:execute_tool lookup',
        '5:db.query',
        '6:db.decode',
        '3:turn 2 Lookup agent',
        '4:chat m',
      ]);
      expect(roots[0]?.attributes['openai.agents.trace_id']).toBe(`trace_${roots[0]?.traceId}`);
      await provider.shutdown();
    });
  });

  it('with setupAgentTracing and nothing configured, writes the trace file', async () => {
    const lookup = await startLookupAgent();
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'agents-readme-')));
    try {
      setTracingDisabled(false);
      await expect(answer(lookup.agent, 'record 3')).resolves.toBe('record 3: value-3');
      const file = join(process.cwd(), 'traces', 'agent-traces.otlp.jsonl');
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toContain('"name":"execute_tool lookup"');
    } finally {
      process.chdir(cwd);
      await lookup.close();
    }
  });
});
