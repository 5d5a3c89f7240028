/**
 * The packed packages installed with plain npm into a fresh project next to the latest Agents SDK,
 * `openai`, OpenTelemetry API and SDK 3, used the way the README says.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_TIMEOUT, installPacked, sh, type InstalledProject } from './support/installed.js';

describe('installed from the packed tarballs, with the latest releases and OpenTelemetry SDK 3', () => {
  let project: InstalledProject;
  let dir: string;
  let installLog: string;

  beforeAll(async () => {
    project = await installPacked('latest', (tarballs) => [
      ...Object.values(tarballs),
      '@openai/agents@latest',
      'openai@latest',
      '@opentelemetry/api@latest',
      '@opentelemetry/sdk-trace@3',
      'zod@4',
      'vitest@4',
    ]);
    ({ dir, installLog } = project);
  }, INSTALL_TIMEOUT);
  afterAll(() => project?.remove());

  it('installs with no peer-dependency warning and no SDK 2 package', async () => {
    expect(installLog).not.toMatch(/peer|ERESOLVE/i);
    const tree = await sh('npm', ['ls', '--all'], dir);
    expect(tree).toMatch(/@opentelemetry\/sdk-trace@3\./);
    expect(tree).not.toMatch(/@opentelemetry\/(sdk-trace|core|resources)@2\.|sdk-trace-base|sdk-trace-node/);
  });

  it('runs an ESM app with setupAgentTracing(), and the agents-tracing bin reads its trace back', async () => {
    const output = await sh(process.execPath, ['esm-app.mjs'], dir);
    expect(output).toContain('answer: Cold and clear in Oslo.');
    expect(output).toMatch(/└─ execute_tool get_weather/);
    const traceId = /trace: (trace_[0-9a-f]{32})/.exec(output)?.[1];
    expect(traceId).toBeDefined();

    const tree = await sh(join(dir, 'node_modules/.bin/agents-tracing'), ['tree', traceId!, '--from', 'file', '--quiet'], dir);
    expect(tree).toContain('invoke_agent Forecaster');
    expect(tree).toContain('execute_tool get_weather');
  });

  it('runs a CommonJS app that require()s the processor with its own SDK 3 provider', async () => {
    const output = await sh(process.execPath, ['cjs-app.cjs'], dir);
    const names = JSON.parse(/^spans: (.*)$/m.exec(output)?.[1] ?? 'null') as string[] | null;
    expect(names, output).toEqual(['Agent workflow', 'chat gpt-4.1-mini', 'invoke_agent Greeter', 'invoke_workflow Agent workflow', 'turn 1 Greeter']);
  });

  it("runs a user's vitest test that asserts the span tree with the matcher", async () => {
    const output = await sh(join(dir, 'node_modules/.bin/vitest'), ['run', '--reporter=verbose'], dir);
    expect(output).toMatch(/✓ .*calls the weather tool once, then answers/);
    expect(output).toMatch(/Tests\s+1 passed/);
  });
});

