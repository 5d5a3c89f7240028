/**
 * The packages as a user gets them: packed, then installed with plain npm into a fresh project
 * outside the workspace (no links), next to releases from the registry.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './child.js';

const run = promisify(execFile);
const FIXTURES = join(REPO_ROOT, 'test/installed');
const PACKAGES = ['core', 'delivery', 'backends/otlp', 'backends/mlflow', 'testing', 'evaluation', 'cli'];
export const INSTALL_TIMEOUT = 600_000;

/** The environment without the settings pnpm hands to the scripts it runs: npm in the fresh
 * project must behave as in a user's shell (NODE_ENV=test would also turn the Agents SDK's tracing off). */
const cleanEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|VITEST|NODE_ENV$)/i.test(name))),
  NO_COLOR: '1',
};

/** The output of a command; a failure shows what it printed. */
export async function sh(command: string, args: string[], cwd: string, timeout = 120_000): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, timeout, env: cleanEnv, maxBuffer: 64 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`);
  }
}

export interface InstalledProject {
  dir: string;
  /** What npm printed while installing. */
  installLog: string;
  /** Tarball path by package (processor, delivery, exporter-otlp, …). */
  tarballs: Record<string, string>;
  remove(): void;
}

/**
 * Packs every package (pnpm, which runs the test command, turns workspace: ranges into versions),
 * copies the fixture app `test/installed/<fixture>` into a temp folder and installs there what
 * `specs(tarballs)` names.
 */
export async function installPacked(
  fixture: string,
  specs: (tarballs: Record<string, string>) => string[],
): Promise<InstalledProject> {
  const work = mkdtempSync(join(tmpdir(), `agents-tracing-installed-${fixture}-`));
  const packs = join(work, 'tarballs');
  for (const pkg of PACKAGES) {
    const dir = join(REPO_ROOT, 'packages', pkg);
    if (!existsSync(join(dir, 'dist'))) throw new Error(`packages/${pkg} is not built: run pnpm run build first.`);
    await sh('pnpm', ['pack', '--pack-destination', packs], dir);
  }
  const tarballs = Object.fromEntries(
    readdirSync(packs).map((file) => [file.replace(/^agents-tracing-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, ''), join(packs, file)]),
  );
  const dir = join(work, fixture);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `installed-${fixture}`, private: true, type: 'module' }));
  const installLog = await sh('npm', ['install', '--no-audit', '--no-fund', ...specs(tarballs)], dir, INSTALL_TIMEOUT);
  return { dir, installLog, tarballs, remove: () => rmSync(work, { recursive: true, force: true }) };
}
