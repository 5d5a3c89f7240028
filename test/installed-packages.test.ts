/**
 * The packages as a user gets them: every package packed, the tarballs installed with plain npm
 * into a fresh project outside the workspace (no links), next to the registry's releases, then
 * used the way the README says. Once with the latest Agents SDK, OpenTelemetry API and SDK 3; once
 * with an OpenTelemetry SDK 2 provider and the oldest Agents SDK release the processor supports.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/child.js';

const run = promisify(execFile);
const FIXTURES = join(REPO_ROOT, 'test/installed');
const OLDEST_AGENTS_SDK = '0.11.5';
const PACKAGES = ['core', 'delivery', 'backends/otlp', 'backends/mlflow', 'testing', 'cli'];
const INSTALL_TIMEOUT = 600_000;

let work: string;
let tarballs: Record<string, string>;

/** The environment without the settings pnpm hands to the scripts it runs: npm in the fresh
 * project must behave as in a user's shell (NODE_ENV=test would also turn the Agents SDK's tracing off). */
const cleanEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|VITEST|NODE_ENV$)/i.test(name))),
  NO_COLOR: '1',
};

/** The output of a command; a failure shows what it printed. */
async function sh(command: string, args: string[], cwd: string, timeout = 120_000): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, timeout, env: cleanEnv, maxBuffer: 64 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`);
  }
}


async function freshProject(name: string, specs: string[]): Promise<{ dir: string; installLog: string }> {
  const dir = join(work, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `installed-${name}`, private: true, type: 'module' }));
  const installLog = await sh('npm', ['install', '--no-audit', '--no-fund', ...specs], dir, INSTALL_TIMEOUT);
  return { dir, installLog };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agents-tracing-installed-'));
  const packs = join(work, 'tarballs');
  for (const pkg of PACKAGES) {
    const dir = join(REPO_ROOT, 'packages', pkg);
    if (!existsSync(join(dir, 'dist'))) throw new Error(`packages/${pkg} is not built: run pnpm run build first.`);
    // pnpm, which runs the test command, turns workspace: ranges into versions when packing.
    await sh('pnpm', ['pack', '--pack-destination', packs], dir);
  }
  tarballs = Object.fromEntries(
    readdirSync(packs).map((file) => [file.replace(/^agents-tracing-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, ''), join(packs, file)]),
  );
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('installed from the packed tarballs, with the latest releases and OpenTelemetry SDK 3', () => {
  let dir: string;
  let installLog: string;

  beforeAll(async () => {
    ({ dir, installLog } = await freshProject('latest', [
      ...Object.values(tarballs),
      '@openai/agents@latest',
      'openai@latest',
      '@opentelemetry/api@latest',
      '@opentelemetry/sdk-trace@3',
      'zod@4',
      'vitest@4',
    ]));
  }, INSTALL_TIMEOUT);

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

describe(`installed with OpenTelemetry SDK 2 and the oldest supported Agents SDK (${OLDEST_AGENTS_SDK})`, () => {
  let dir: string;
  let installLog: string;

  beforeAll(async () => {
    ({ dir, installLog } = await freshProject('sdk2', [
      tarballs['processor']!,
      tarballs['testing']!,
      `@openai/agents@${OLDEST_AGENTS_SDK}`,
      '@opentelemetry/api@1.9',
      '@opentelemetry/sdk-trace-base@2',
      '@opentelemetry/context-async-hooks@2',
      'zod@4',
      'vitest@4',
    ]));
  }, INSTALL_TIMEOUT);

  it('installs with no peer-dependency warning and without the SDK 3 line', async () => {
    expect(installLog).not.toMatch(/peer|ERESOLVE/i);
    const tree = await sh('npm', ['ls', '--all', '@opentelemetry/sdk-trace', '@opentelemetry/api'], dir);
    expect(tree).toMatch(/@opentelemetry\/sdk-trace@2\./);
    expect(tree).not.toMatch(/@opentelemetry\/sdk-trace@3\.|@opentelemetry\/api@1\.1\d/);
  });

  it('records, nests, matches and verifies a run on the SDK 2 provider', async () => {
    const output = await sh(join(dir, 'node_modules/.bin/vitest'), ['run', '--reporter=verbose'], dir);
    expect(output).toMatch(/✓ .*records the run on the SDK 2 provider/);
    expect(output).toMatch(/Tests\s+1 passed/);
  });
});
