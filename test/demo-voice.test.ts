import { afterEach, expect, it } from 'vitest';
import { signalGroup, startPnpmScript, type Child } from './support/child.js';

let child: Child | undefined;
afterEach(async () => {
  if (child && child.process.exitCode === null) {
    signalGroup(child, 'SIGKILL');
    await child.exited;
  }
  child = undefined;
});

it('`pnpm demo --voice` runs the voice call offline and prints its tree and trace id', async () => {
  child = startPnpmScript('demo', ['--voice'], { OPENAI_API_KEY: '', OTEL_EXPORTER_OTLP_ENDPOINT: '', MLFLOW_TRACKING_URI: '' });
  expect(await child.exited).toBe(0);
  const output = child.output();
  expect(output).toMatch(/^voice call: trace trace_[0-9a-f]{32}$/m);
  expect(output).toContain('answer → It is sunny and 21 degrees in Paris today.');
  for (const line of [
    /^Voice concierge {2}[\d.]+m?s$/m,
    /^├─ invoke_agent Concierge {2}[\d.]+m?s$/m,
    /^│ {2}└─ turn 1 Concierge {2}[\d.]+m?s {2}tokens \d+→\d+$/m,
    /^│ {5}└─ handoff Concierge → Weather agent {2}[\d.]+m?s$/m,
    /^└─ invoke_agent Weather agent {2}[\d.]+m?s$/m,
    /^ {3}│ {2}└─ execute_tool get_weather {2}[\d.]+m?s$/m,
    /^ {3}└─ turn 3 Weather agent {2}[\d.]+m?s {2}tokens \d+→\d+$/m,
  ]) {
    expect(output).toMatch(line);
  }
});
