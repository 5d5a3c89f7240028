/**
 * The install cache outside the repository, shared by test runs and demos. Entries are keyed by
 * version and appear only when complete: an install builds under a temporary name and renames it
 * into place, so a killed install never leaves something that looks installed.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function cacheDir(): string {
  const explicit = process.env['AGENTS_TRACING_CACHE_DIR'];
  if (explicit) return explicit;
  const xdg = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(xdg, 'agents-tracing');
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds `finalPath` (a file or a directory) through `build(tempPath)`, then renames it into
 * place. When another process finished the same entry first, its result is kept and ours dropped.
 */
export async function installAtomically(
  finalPath: string,
  build: (tempPath: string) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true });
  const tempPath = `${finalPath}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await build(tempPath);
    try {
      await rename(tempPath, finalPath);
    } catch (error) {
      // A directory cannot replace a finished one: someone else won the race.
      if (!(await exists(finalPath))) throw error;
    }
  } finally {
    await rm(tempPath, { recursive: true, force: true });
  }
}
