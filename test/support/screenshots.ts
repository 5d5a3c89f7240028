import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a test's screenshot goes: into docs/images (shown in the README) when
 * `UPDATE_SCREENSHOTS=1`, else into a temporary folder, so a test run leaves the work tree as it
 * found it.
 */
export function screenshotPath(name: string): string {
  if (process.env.UPDATE_SCREENSHOTS === '1') return fileURLToPath(new URL(`../../docs/images/${name}`, import.meta.url));
  return join(mkdtempSync(join(tmpdir(), 'agents-tracing-screenshots-')), name);
}
