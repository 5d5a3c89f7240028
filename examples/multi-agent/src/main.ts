/**
 * The multi-agent demo: a triage agent hands off to specialists, tools run (one fails, some come
 * from a local MCP server), an agent
 * is used as a tool, guardrails check input and output (one tripwire), one run is streamed.
 * Offline by default (a scripted model on 127.0.0.1); with OPENAI_API_KEY set it talks to OpenAI.
 *
 *   pnpm demo [--api responses|chat_completions]
 *   pnpm demo --voice      the voice scenario (voice.ts)
 *
 * Traces go where `setupAgentTracing()` sends them: with no backend configured, each trace is
 * printed as a tree and appended to traces/agent-traces.otlp.jsonl; OTEL_EXPORTER_OTLP_ENDPOINT
 * sends them to Jaeger or a collector, MLFLOW_TRACKING_URI to MLflow.
 */
import { parseArgs } from 'node:util';
import { setTracingDisabled } from '@openai/agents';
import { setupAgentTracing } from '@agents-tracing/delivery';
import { buildDemoAgents } from './agents.js';
import { startDemoMcpServer } from './mcp/index.js';
import { runDemo, startDemoModel, type ModelApi } from './run-demo.js';
import { runVoiceDemo } from './voice.js';
import { whereToLook } from './where-to-look.js';

const { values } = parseArgs({
  options: { api: { type: 'string', default: 'responses' }, voice: { type: 'boolean', default: false } },
});
const api = values.api as ModelApi;
if (api !== 'responses' && api !== 'chat_completions') {
  console.error(`--api must be "responses" or "chat_completions", not "${values.api}"`);
  process.exit(2);
}

const tracing = await setupAgentTracing({ serviceName: 'multi-agent-demo', printTrees: true });
// Tracing is what the demo shows, even where the SDK would turn it off (NODE_ENV=test).
setTracingDisabled(false);
if (values.voice) {
  try {
    const result = await runVoiceDemo();
    await tracing.forceFlush();
    console.log(`voice call: trace ${result.traceId}\n  answer → ${result.answer}`);
    for (const place of whereToLook(result.traceId ?? '')) console.log(`  → ${place}`);
  } finally {
    await tracing.shutdown();
  }
  process.exit(0);
}
const model = await startDemoModel(api);
const mcp = await startDemoMcpServer();
console.log(`model: ${model.mode === 'openai' ? 'OpenAI' : 'scripted (offline)'}, API: ${api}, MCP server: ${mcp.server.name}\n`);
try {
  const results = await runDemo(buildDemoAgents(model.model, mcp.server));
  // Export before printing the summary, so the trees print first.
  await tracing.forceFlush();
  for (const result of results) {
    const outcome = result.error ? `tripwire → ${result.error}` : `answer → ${result.output}`;
    console.log(`${result.name}${result.streamed ? ' (streamed)' : ''}: trace ${result.traceId}\n  ${outcome}`);
    for (const place of whereToLook(result.traceId)) console.log(`  → ${place}`);
  }
  for (const [name, counts] of Object.entries(tracing.stats().exporters)) {
    const { exported, retried, dropped, spooled, pending } = counts;
    console.log(`delivery to ${name}: ${exported} spans exported, ${retried} retried, ${dropped} dropped, ${spooled} spooled, ${pending} pending`);
  }
} finally {
  await mcp.close();
  await model.close();
  await tracing.shutdown();
}
