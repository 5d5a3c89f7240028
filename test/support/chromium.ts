/**
 * Debian's headless Chromium driven by playwright-core, for tests that look at a web page as a
 * user would. Installed with apt-get when missing; a clear error when that is not possible.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { exists } from '../servers/cache.js';
import { runCommand } from '../servers/process.js';
import { logToConsole, timedStep } from '../servers/progress.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and nothing that reaches beyond the machine (updates, sync, QUIC probes). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's `chromium` package when the browser is missing. */
export async function ensureChromium(): Promise<void> {
  if (await exists(CHROMIUM_PATH)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` as root`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'chromium-install-'));
  const options = { logFile: join(dir, 'apt.log'), env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  // Another test may be installing packages at the same time: wait for dpkg's lock.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  try {
    await timedStep(logToConsole, 'chromium', 'installing Debian package chromium …', 'installed', async () => {
      await runCommand('apt-get', [...lock, 'update'], options);
      await runCommand('apt-get', [...lock, 'install', '-y', 'chromium'], options);
    });
  } catch (error) {
    throw new Error(`Chromium is needed at ${CHROMIUM_PATH} and could not be installed: ${(error as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (!(await exists(CHROMIUM_PATH))) {
    throw new Error(`apt-get installed chromium, but there is no ${CHROMIUM_PATH}`);
  }
}

export interface ChromiumSession {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** A browser with a fresh profile of its own (installing Chromium first when needed). */
export async function launchChromium(viewport = { width: 1600, height: 1000 }): Promise<ChromiumSession> {
  await ensureChromium();
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_FLAGS,
      headless: true,
      viewport,
    });
    return {
      context,
      async close() {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
