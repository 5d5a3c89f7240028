/**
 * The processor and the test kit installed with plain npm next to an OpenTelemetry SDK 2 provider
 * (API 1.9) and the oldest Agents SDK release the processor supports.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_TIMEOUT, installPacked, sh, type InstalledProject } from './support/installed.js';

describe('installed with OpenTelemetry SDK 2 and the oldest supported Agents SDK (0.11.5)', () => {
  let project: InstalledProject;
  let dir: string;
  let installLog: string;

  beforeAll(async () => {
    project = await installPacked('sdk2', (tarballs) => [
      tarballs['processor']!,
      tarballs['testing']!,
      '@openai/agents@0.11.5',
      '@opentelemetry/api@1.9',
      '@opentelemetry/sdk-trace-base@2',
      '@opentelemetry/context-async-hooks@2',
      'zod@4',
      'vitest@4',
    ]);
    ({ dir, installLog } = project);
  }, INSTALL_TIMEOUT);
  afterAll(() => project?.remove());

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
