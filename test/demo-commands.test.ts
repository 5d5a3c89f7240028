import { afterEach, describe, expect, it } from 'vitest';
import { findMlflowExperimentId, queryPrometheusValue, readJaegerTrace, readMlflowTrace } from '@agents-tracing/testing';
import { signalGroup, startPnpmScript, type Child } from './support/child.js';
import { readPhoenixSpans } from './support/phoenix-spans.js';

let child: Child | undefined;
afterEach(async () => {
  if (child && child.process.exitCode === null) {
    signalGroup(child, 'SIGKILL');
    await child.exited;
  }
  child = undefined;
});

describe('the user commands', () => {
  it('`pnpm demo` runs offline and prints the trees and trace ids', async () => {
    child = startPnpmScript('demo', [], { OPENAI_API_KEY: '', OTEL_EXPORTER_OTLP_ENDPOINT: '', MLFLOW_TRACKING_URI: '' });
    expect(await child.exited).toBe(0);
    const output = child.output();
    expect(output).toContain('model: scripted (offline), API: responses');
    for (const demoCase of ['weather', 'travel \\(streamed\\)', 'injection']) {
      expect(output).toMatch(new RegExp(`^${demoCase}: trace trace_[0-9a-f]{32}$`, 'm'));
    }
    expect(output).toMatch(/^Travel concierge {2}\d+ms {2}✗ ERROR: agent run failed$/m);
    expect(output).toContain('tripwire → InputGuardrailTripwireTriggered');
    expect(output).toMatch(/^delivery to tree: 43 spans exported, 0 retried, 0 dropped, 0 spooled, 0 pending$/m);
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

  it('`pnpm demo:jaeger` starts Jaeger, runs the demo into it and says where each trace is', async () => {
    child = startPnpmScript('demo:jaeger', [], { OPENAI_API_KEY: '', MLFLOW_TRACKING_URI: '' });
    await child.waitFor(/The server keeps running/, 300_000);
    const links = [...child.output().matchAll(/Jaeger query API: (http:\/\/127\.0\.0\.1:\d+)\/api\/traces\/([0-9a-f]{32})/g)];
    expect(links).toHaveLength(3);
    for (const [, queryUrl, hex] of links) {
      const trace = await readJaegerTrace(queryUrl!, hex!, { timeoutMs: 10_000 });
      expect(trace.serviceName).toBe('multi-agent-demo');
      expect(trace.roots[0]?.name).toBe('Travel concierge');
    }
    signalGroup(child, 'SIGINT');
    await child.exited;
  });
});

describe('the user commands: MLflow', () => {
  it('`pnpm demo:mlflow` starts MLflow, runs the demo into experiment agents-demo and links each trace in the UI', async () => {
    child = startPnpmScript('demo:mlflow', [], {
      OPENAI_API_KEY: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      MLFLOW_EXPERIMENT_ID: '',
      MLFLOW_EXPERIMENT_NAME: '',
    });
    await child.waitFor(/The server keeps running/, 300_000);
    const links = [
      ...child
        .output()
        .matchAll(/MLflow: (http:\/\/127\.0\.0\.1:\d+)\/#\/experiments\/(\d+)\/traces\?selectedEvaluationId=tr-([0-9a-f]{32})$/gm),
    ];
    expect(links).toHaveLength(3);
    for (const [, trackingUri, experimentId, hex] of links) {
      expect(await findMlflowExperimentId(trackingUri!, 'agents-demo')).toBe(experimentId);
      const trace = await readMlflowTrace(trackingUri!, hex!, { timeoutMs: 10_000 });
      expect(trace.info).toMatchObject({ experimentId, name: 'Travel concierge', tags: { 'service.name': 'multi-agent-demo' } });
    }
    signalGroup(child, 'SIGINT');
    await child.exited;
  });
});

describe('the user commands: Phoenix', () => {
  it('`pnpm demo:phoenix` starts Phoenix, runs the demo into project agents-demo and links each trace in the UI', async () => {
    child = startPnpmScript('demo:phoenix', [], {
      OPENAI_API_KEY: '',
      MLFLOW_TRACKING_URI: '',
      PHOENIX_PROJECT_NAME: '',
    });
    await child.waitFor(/The server keeps running/, 300_000);
    const links = [...child.output().matchAll(/Phoenix: (http:\/\/127\.0\.0\.1:\d+)\/redirects\/traces\/([0-9a-f]{32})$/gm)];
    expect(links).toHaveLength(3);
    // test/phoenix.test.ts opens such a link in a browser; here each trace is in the project.
    for (const [, phoenixUrl, hex] of links) {
      const rootName = async () =>
        (await readPhoenixSpans(phoenixUrl!, 'agents-demo', hex!, { expectSpans: 1, timeoutMs: 10_000 })).find((span) => !span.parent_id)?.name;
      await expect.poll(rootName, { timeout: 10_000 }).toBe('Travel concierge');
    }
    signalGroup(child, 'SIGINT');
    await child.exited;
  });
});

describe('the user commands: Prometheus', () => {
  it('`pnpm demo:metrics` runs the demo into Prometheus and prints a dashboard that Prometheus confirms', async () => {
    child = startPnpmScript('demo:metrics', ['--runs', '2', '--keep'], {
      OPENAI_API_KEY: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '',
      MLFLOW_TRACKING_URI: '',
    });
    await child.waitFor(/Press Ctrl-C to stop it/, 300_000);
    const output = child.output();
    expect(output).toMatch(/^demo run 2\/2: weather answered, travel answered, injection tripwire$/m);
    // Two demo runs: three conversations each, plus the run of the agent used as a tool; one tripwire each.
    expect(output).toMatch(/^runs: 8, failed: 2$/m);
    expect(output).toMatch(/^ {2}prompt injection\s+6\s+2$/m);
    expect(output).toMatch(/^ {2}get_weather_alerts\s+ToolCallError\s+2$/m);
    const [, url] = output.match(/^Prometheus (http:\/\/127\.0\.0\.1:\d+), job="multi-agent-demo"$/m)!;
    const printed = Number(output.match(/^ {2}gpt-4\.1-mini\s+input\s+(\d+)$/m)?.[1]);
    const inPrometheus = await queryPrometheusValue(
      url!,
      'sum(gen_ai_client_token_usage_sum{job="multi-agent-demo", gen_ai_token_type="input"})',
    );
    expect(printed).toBeGreaterThan(0);
    expect(inPrometheus).toBe(printed);
    signalGroup(child, 'SIGINT');
    await child.exited;
  });
});
