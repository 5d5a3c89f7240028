/**
 * `pnpm demo:metrics [--runs N] [--keep]`: starts a local Prometheus (building it the first time),
 * runs the multi-agent demo N times (default 3) with its metrics sent over OTLP, and prints a
 * dashboard queried back from Prometheus with PromQL. With --keep, Prometheus keeps running
 * until Ctrl-C, for your own queries.
 */
import { parseArgs } from 'node:util';
import { setTracingDisabled } from '@openai/agents';
import { setupAgentTracing } from '@agents-tracing/delivery';
import { waitForPrometheus } from '@agents-tracing/testing';
import {
  buildDemoAgents,
  dashboardQuery,
  readDashboard,
  renderDashboard,
  runDemo,
  startDemoMcpServer,
  startDemoModel,
} from '../examples/multi-agent/src/index.js';
import { startPrometheus } from '../test/servers/prometheus.js';

const SERVICE_NAME = 'multi-agent-demo';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a whole number of at least 1, not "${values.runs}"`);
  process.exit(2);
}

const prometheus = await startPrometheus();
try {
  const tracing = await setupAgentTracing({
    serviceName: SERVICE_NAME,
    printTrees: false,
    file: false,
    env: { ...process.env, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: prometheus.otlpMetricsUrl },
  });
  setTracingDisabled(false);
  const model = await startDemoModel('responses');
  const mcp = await startDemoMcpServer();
  let conversations = 0;
  try {
    const agents = buildDemoAgents(model.model, mcp.server);
    for (let i = 1; i <= runs; i += 1) {
      const results = await runDemo(agents);
      conversations += results.length;
      console.log(`demo run ${i}/${runs}: ${results.map((r) => `${r.name} ${r.error ? 'tripwire' : 'answered'}`).join(', ')}`);
    }
  } finally {
    await mcp.close();
    await model.close();
    // Shutting down exports the metrics recorded so far.
    await tracing.shutdown();
  }
  await waitForPrometheus(prometheus.url, dashboardQuery('runs', SERVICE_NAME), (samples) => (samples[0]?.value ?? 0) >= conversations);
  console.log(`\nPrometheus ${prometheus.url}, job="${SERVICE_NAME}"\n`);
  console.log(renderDashboard(await readDashboard(prometheus.url, SERVICE_NAME)));
  if (values.keep) {
    console.log(`\nPrometheus keeps running: try ${prometheus.url}/api/v1/query?query=${encodeURIComponent(dashboardQuery('tokens', SERVICE_NAME))}`);
    console.log('Press Ctrl-C to stop it.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()).once('SIGTERM', () => resolve()));
  }
} finally {
  await prometheus.stop();
}
