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
  /** Runs one demo conversation and exports it. */
  run(demoCase: DemoCase, streamed: boolean): Promise<RecordedDemoRun>;
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
  let model: DemoModel | undefined;
  let mcp: DemoMcpServer | undefined;
  let agents: DemoAgents;
  try {
    model = await startDemoModel('responses', {});
    mcp = await startDemoMcpServer();
    agents = buildDemoAgents(model.model, mcp.server);
  } catch (error) {
    await mcp?.close();
    await model?.close();
    await tracing.shutdown();
    throw error;
  }

  const recordedRun = (result: DemoRunResult): RecordedDemoRun => {
    const hex = result.traceId.slice('trace_'.length);
    const spans = memory.getFinishedSpans().filter((span) => span.spanContext().traceId === hex);
    return { result, hex, recorded: buildSpanTree(spans.map(flatSpanFromReadable)), spanCount: spans.length };
  };

  return {
    tracing,
    async run(demoCase, streamed) {
      const result = await runDemoConversation(agents, demoCase, streamed);
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
      await model?.close();
      await tracing.shutdown();
    },
  };
}
