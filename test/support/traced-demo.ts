/**
 * The multi-agent demo (with its MCP server) traced through `setupAgentTracing` into the given
 * exporters, each run also recorded in memory, so a test can compare what a backend shows with
 * what was sent.
 */
import { setTracingDisabled } from '@openai/agents';
import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { buildSpanTree, flatSpanFromReadable, type SpanTreeNode } from '@agents-tracing/processor';
import { setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import {
  buildDemoAgents,
  runDemoConversation,
  startDemoMcpServer,
  startDemoModel,
  type DemoAgents,
  type DemoCase,
  type DemoMcpServer,
  type DemoModel,
  type DemoRunResult,
  type ModelApi,
} from '@agents-tracing/example-multi-agent';

export const DEMO_SERVICE_NAME = 'multi-agent-demo';

export interface RecordedDemoRun {
  result: DemoRunResult;
  /** The OpenTelemetry trace id: the SDK trace id's hex. */
  hex: string;
  /** The trace as the processor recorded it, in memory. */
  recorded: SpanTreeNode[];
  spanCount: number;
}

export interface TracedDemo {
  readonly tracing: AgentTracing;
  /** Runs one demo conversation and exports it; through the Responses API unless `api` says otherwise. */
  run(demoCase: DemoCase, streamed: boolean, api?: ModelApi): Promise<RecordedDemoRun>;
  /** Runs conversations at the same time, then exports them. */
  runConcurrently(runs: readonly (readonly [DemoCase, boolean])[]): Promise<RecordedDemoRun[]>;
  close(): Promise<void>;
}

/** The demo's agents, model (scripted, offline) and MCP server, traced into `exporters`. */
export async function startTracedDemo(exporters: readonly SpanExporter[]): Promise<TracedDemo> {
  const memory = new InMemorySpanExporter();
  const tracing = await setupAgentTracing({
    serviceName: DEMO_SERVICE_NAME,
    exporters: [...exporters, memory],
    batch: { scheduledDelayMillis: 50 },
  });
  setTracingDisabled(false);
  const models: DemoModel[] = [];
  let mcp: DemoMcpServer | undefined;
  let agents: DemoAgents;
  try {
    const model = await startDemoModel('responses', {});
    models.push(model);
    mcp = await startDemoMcpServer();
    agents = buildDemoAgents(model.model, mcp.server);
  } catch (error) {
    await mcp?.close();
    await Promise.all(models.map((model) => model.close()));
    await tracing.shutdown();
    throw error;
  }
  // The Chat Completions agents start with their first run: one tracing set-up serves both APIs.
  let chatCompletionsAgents: Promise<DemoAgents> | undefined;
  const agentsFor = (api: ModelApi): Promise<DemoAgents> => {
    if (api === 'responses') return Promise.resolve(agents);
    chatCompletionsAgents ??= startDemoModel('chat_completions', {}).then((model) => {
      models.push(model);
      return buildDemoAgents(model.model, mcp!.server);
    });
    return chatCompletionsAgents;
  };

  const recordedRun = (result: DemoRunResult): RecordedDemoRun => {
    const hex = result.traceId.slice('trace_'.length);
    const spans = memory.getFinishedSpans().filter((span) => span.spanContext().traceId === hex);
    return { result, hex, recorded: buildSpanTree(spans.map(flatSpanFromReadable)), spanCount: spans.length };
  };

  return {
    tracing,
    async run(demoCase, streamed, api = 'responses') {
      const result = await runDemoConversation(await agentsFor(api), demoCase, streamed);
      await tracing.forceFlush();
      return recordedRun(result);
    },
    async runConcurrently(runs) {
      const results = await Promise.all(runs.map(([demoCase, streamed]) => runDemoConversation(agents, demoCase, streamed)));
      await tracing.forceFlush();
      return results.map(recordedRun);
    },
    async close() {
      await mcp?.close();
      await Promise.all(models.map((model) => model.close()));
      await tracing.shutdown();
    },
  };
}
