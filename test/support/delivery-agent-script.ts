/**
 * A small agent app for exit-path, crash and load tests, run as a child process. It sets tracing
 * up with `setupAgentTracing` (OTLP, and MLflow when asked), runs demo conversations against the
 * scripted model, prints one line per finished run, and then ends the way it is told to.
 *
 * Configuration: the JSON of `ScriptConfig` in DELIVERY_SCRIPT_CONFIG.
 * Output lines: `run <case> <sdkTraceId>` per finished run, `hanging <sdkTraceId>` once a run is
 * stuck in its tool, `stats <json>`, `heap <json>`.
 */
import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool, withTrace } from '@openai/agents';
import { setupAgentTracing, type DeliveryOptions } from '@agents-tracing/delivery';
import { startScriptedOpenAI } from '@agents-tracing/testing';
import { buildDemoAgents, runDemoConversation, startDemoModel, type DemoCase } from '@agents-tracing/example-multi-agent';
import OpenAI from 'openai';
import { z } from 'zod';

export interface ScriptConfig {
  /** OTLP/HTTP traces URL (`…/v1/traces`), or with `otlpProtocol: 'grpc'` the collector's `http://host:port`. */
  otlpEndpoint: string;
  otlpProtocol?: 'grpc' | 'http/protobuf';
  mlflow?: { trackingUri: string; experimentId: string };
  serviceName?: string;
  spoolDir?: string;
  delivery?: DeliveryOptions;
  /** Demo conversations to run. */
  runs: number;
  /** All runs at once instead of one after the other. */
  concurrent?: boolean;
  /** Keep starting runs until the process is killed. */
  forever?: boolean;
  /** Then start one run that waits forever inside its tool. */
  hang?: boolean;
  /**
   * How the script ends: return from main without any shutdown (`natural`), `process.exit(0)`,
   * wait for a signal, throw an uncaught error, leave a promise rejection unhandled, or call
   * `shutdown()` (after a `forceFlush()` with `flush-shutdown`), print `shut down` once it
   * resolved, and print stats.
   */
  end: 'natural' | 'exit' | 'wait' | 'throw' | 'reject' | 'shutdown' | 'flush-shutdown';
  /**
   * Print heap use (after gc) before the runs and after shutdown; needs --expose-gc. The runs
   * are preceded by as many unprinted warm-up runs, so the baseline already holds what the
   * runtime keeps once it has seen that load (compiled code, pools).
   */
  measureHeap?: boolean;
}

const config = JSON.parse(process.env.DELIVERY_SCRIPT_CONFIG ?? '{}') as ScriptConfig;
const CASES: DemoCase[] = ['weather', 'travel', 'injection'];

const tracing = await setupAgentTracing({
  serviceName: config.serviceName ?? 'delivery-script',
  otlp: { endpoint: config.otlpEndpoint, ...(config.otlpProtocol ? { protocol: config.otlpProtocol } : {}) },
  ...(config.mlflow ? { mlflow: config.mlflow } : {}),
  ...(config.spoolDir ? { spoolDir: config.spoolDir } : {}),
  ...(config.delivery ? { delivery: config.delivery } : {}),
  logger: { warn: (m) => console.error(`[tracing warn] ${m}`), info: (m) => console.error(`[tracing info] ${m}`) },
});
setTracingDisabled(false);
const model = await startDemoModel('responses', {});
const agents = buildDemoAgents(model.model);

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

async function runOne(i: number, print = true): Promise<void> {
  const demoCase = CASES[i % CASES.length]!;
  const result = await runDemoConversation(agents, demoCase, i % 2 === 1);
  if (print) console.log(`run ${demoCase} ${result.traceId}`);
}

async function warmUp(): Promise<number> {
  await Promise.all(Array.from({ length: config.runs }, (_, i) => runOne(i, false)));
  await tracing.forceFlush();
  return heapUsed();
}

/** A run whose tool never returns: its spans are still open when the process ends. */
async function startHangingRun(): Promise<void> {
  const server = await startScriptedOpenAI(() => ({ toolCalls: [{ name: 'wait_forever', arguments: {} }] }));
  const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'scripted-model' });
  const waitForever = tool({
    name: 'wait_forever',
    description: 'Never returns.',
    parameters: z.object({}),
    execute: () => new Promise<string>(() => {}),
  });
  const agent = new Agent({ name: 'Hanging agent', instructions: 'Wait.', tools: [waitForever], model: new OpenAIResponsesModel(client, 'm') });
  void withTrace('Hanging workflow', async (trace) => {
    setTimeout(() => console.log(`hanging ${trace.traceId}`), 200);
    await run(agent, 'wait for ever');
  });
}

const heapBefore = config.measureHeap ? await warmUp() : undefined;
if (config.concurrent) {
  await Promise.all(Array.from({ length: config.runs }, (_, i) => runOne(i)));
} else {
  for (let i = 0; i < config.runs; i++) await runOne(i);
}
if (config.forever) {
  for (let i = config.runs; ; i++) await runOne(i);
}
if (config.hang) {
  await startHangingRun();
  await new Promise((resolve) => setTimeout(resolve, 400));
}

switch (config.end) {
  case 'natural':
    await model.close();
    break;
  case 'exit':
    process.exit(0);
    break;
  case 'wait':
    setInterval(() => {}, 60_000);
    console.log('waiting');
    break;
  case 'throw':
    setTimeout(() => {
      throw new Error('something broke outside the agent run');
    }, 10);
    break;
  case 'reject':
    void Promise.reject(new Error('a promise nobody awaited'));
    break;
  case 'flush-shutdown':
  case 'shutdown': {
    if (config.end === 'flush-shutdown') await tracing.forceFlush();
    await tracing.shutdown();
    console.log('shut down');
    await model.close();
    // The scripted model keeps every request it answered: not ours to count.
    model.scripted?.reset();
    console.log(`stats ${JSON.stringify(tracing.stats())}`);
    if (heapBefore !== undefined) {
      console.log(`heap ${JSON.stringify({ before: heapBefore, after: heapUsed() })}`);
    }
    break;
  }
}
