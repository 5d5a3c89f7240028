/**
 * The demo in Arize Phoenix (20.26.1), sent over OTLP/HTTP with the standard variables and the
 * `x-project-name` header: Phoenix's REST API gives the model calls back as LLM spans with their
 * conversation and token counts, the tools as TOOL spans with parameters and results, the agents as
 * AGENT spans with their input and output; the UI (headless Chromium) shows them. Takes the
 * screenshots docs/images/phoenix-chat.png and phoenix-tool.png (with UPDATE_SCREENSHOTS=1).
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtlpSpanExporter } from '@agents-tracing/exporter-otlp';
import { AGENTS, GEN_AI, walkSpanTree, type SpanTreeNode } from '@agents-tracing/processor';
import { DEMO_PROMPTS, INSTRUCTIONS, phoenixTraceUrl, whereToLook, type DemoCase } from '@agents-tracing/example-multi-agent';
import { listeningAddresses } from './servers/network.js';
import { startPhoenix, type PhoenixServer } from './servers/phoenix.js';
import { launchChromium, type ChromiumSession } from './support/chromium.js';
import { phoenixMessages, readPhoenixSpans, type PhoenixSpan } from './support/phoenix-spans.js';
import { screenshotPath } from './support/screenshots.js';
import { startTracedDemo, type RecordedDemoRun, type TracedDemo } from './support/traced-demo.js';

const PROJECT = 'agents-demo';
const FIRST_LOAD_MS = 60_000;
const STEP_MS = 20_000;
const SELECT_MS = 60_000;

let phoenix: PhoenixServer;
let demo: TracedDemo;
let chromium: ChromiumSession;

beforeAll(async () => {
  phoenix = await startPhoenix();
  // What `./run demo:phoenix` sets: the standard OTLP variables, nothing Phoenix-specific.
  const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: phoenix.otlpTracesUrl, OTEL_EXPORTER_OTLP_HEADERS: `x-project-name=${PROJECT}` };
  demo = await startTracedDemo([createOtlpSpanExporter({}, env)]);
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await demo?.close();
  await phoenix?.stop();
});

const nodesOf = (run: RecordedDemoRun): SpanTreeNode[] => [...walkSpanTree(run.recorded)].map(({ node }) => node);
const ofType = (run: RecordedDemoRun, type: string) => nodesOf(run).filter((node) => node.attributes[AGENTS.SPAN_TYPE] === type);

/** A tool's result as the model read it: the SDK records a text output as `{type: 'text', text}`. */
function resultText(result: unknown): string {
  try {
    const parsed = JSON.parse(String(result)) as { type?: string; text?: string };
    if (parsed.type === 'text' && typeof parsed.text === 'string') return parsed.text;
  } catch {
    // Plain text.
  }
  return String(result);
}

/** The keys under `prefix.`, one level deep, as Phoenix's REST API flattens a stored object. */
function objectUnder(attributes: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(attributes)
      .filter(([key]) => key.startsWith(`${prefix}.`))
      .map(([key, value]) => [key.slice(prefix.length + 1), value]),
  );
}

async function runIntoPhoenix(demoCase: DemoCase, streamed: boolean): Promise<{ run: RecordedDemoRun; spans: Map<string, PhoenixSpan> }> {
  const run = await demo.run(demoCase, streamed);
  const read = await readPhoenixSpans(phoenix.url, PROJECT, run.hex, { expectSpans: run.spanCount, timeoutMs: 30_000 });
  return { run, spans: new Map(read.map((span) => [span.context.span_id, span])) };
}

it('listens on its loopback port only: no OTLP/gRPC receiver on every interface', async () => {
  expect(await listeningAddresses(phoenix.pid)).toEqual([new URL(phoenix.url).host]);
});

describe.each<[DemoCase, boolean]>([
  ['weather', false],
  ['travel', true],
])('the %s run (streamed: %s) read back with Phoenix’s REST API', (demoCase, streamed) => {
  let run: RecordedDemoRun;
  let spans: Map<string, PhoenixSpan>;
  beforeAll(async () => {
    ({ run, spans } = await runIntoPhoenix(demoCase, streamed));
  });
  const stored = (node: SpanTreeNode): PhoenixSpan => {
    const span = spans.get(node.spanId);
    expect(span, node.name).toBeDefined();
    return span!;
  };

  it('has every span, in project agents-demo', () => {
    expect(spans.size).toBe(run.spanCount);
    for (const node of nodesOf(run)) expect(stored(node).name).toBe(node.name);
  });

  it('shows each model call as an LLM span: system prompt, user, tool calls, one tool message per result, output, tokens', () => {
    const models = ofType(run, 'response');
    const tools = ofType(run, 'function');
    expect(models.length).toBeGreaterThan(1);
    for (const model of models) {
      const span = stored(model);
      expect(span.span_kind).toBe('LLM');
      const input = phoenixMessages(span, 'llm.input_messages');
      expect(input[0]?.role).toBe('system');
      expect(input.find((message) => message.role === 'user')?.content).toBe(DEMO_PROMPTS[demoCase]);
      // Every tool call the model saw has its result beside it, under the call's id.
      for (const call of input.flatMap((message) => message.toolCalls)) {
        expect(input.some((message) => message.role === 'tool' && message.toolCallId === call.id), call.name).toBe(true);
      }
      const output = phoenixMessages(span, 'llm.output_messages');
      expect(output).toHaveLength(1);
      expect(output[0]?.role).toBe('assistant');
      const inputTokens = Number(model.attributes[GEN_AI.USAGE_INPUT_TOKENS]);
      const outputTokens = Number(model.attributes[GEN_AI.USAGE_OUTPUT_TOKENS]);
      expect(span.attributes).toMatchObject({
        'llm.model_name': model.attributes[GEN_AI.REQUEST_MODEL],
        'llm.token_count.prompt': inputTokens,
        'llm.token_count.completion': outputTokens,
        'llm.token_count.total': inputTokens + outputTokens,
      });
    }

    // The last call saw the whole run: each tool called by name with its arguments, each result.
    const last = phoenixMessages(stored(models.at(-1)!), 'llm.input_messages');
    const calls = last.flatMap((message) => message.toolCalls);
    for (const tool of tools) {
      const call = calls.find((c) => c.id === tool.attributes[GEN_AI.TOOL_CALL_ID]);
      expect(call?.name).toBe(tool.attributes[GEN_AI.TOOL_NAME]);
      expect(JSON.parse(call!.arguments)).toEqual(JSON.parse(String(tool.attributes[GEN_AI.TOOL_CALL_ARGUMENTS])));
      const result = last.find((message) => message.role === 'tool' && message.toolCallId === call!.id);
      expect(result?.content).toContain(resultText(tool.attributes[GEN_AI.TOOL_CALL_RESULT]));
    }
    expect(phoenixMessages(stored(models.at(-1)!), 'llm.output_messages')[0]?.content).toBe(run.result.output);
  });

  it('shows each tool as a TOOL span with its parameters and result', () => {
    const tools = ofType(run, 'function');
    expect(tools.length).toBeGreaterThan(1);
    for (const tool of tools) {
      const span = stored(tool);
      expect(span.span_kind).toBe('TOOL');
      expect(span.attributes['tool.name']).toBe(tool.attributes[GEN_AI.TOOL_NAME]);
      expect(objectUnder(span.attributes, 'tool.parameters')).toEqual(JSON.parse(String(tool.attributes[GEN_AI.TOOL_CALL_ARGUMENTS])));
      expect(span.attributes['output.value']).toBe(tool.attributes[GEN_AI.TOOL_CALL_RESULT]);
    }
  });

  it('shows each agent as an AGENT span with its input and output', () => {
    const agents = ofType(run, 'agent');
    expect(agents.length).toBeGreaterThan(1);
    for (const agent of agents) {
      const span = stored(agent);
      expect(span.span_kind).toBe('AGENT');
      expect(phoenixMessages(span, 'llm.input_messages').map((message) => message.content)).toContain(DEMO_PROMPTS[demoCase]);
      // An agent that hands off answers with the handoff's tool call, the others with text.
      const answer = phoenixMessages(span, 'llm.output_messages').at(-1);
      expect(answer?.role).toBe('assistant');
      expect(answer?.content ?? answer?.toolCalls[0]?.name).toEqual(expect.any(String));
    }
    const answering = agents.filter((agent) => phoenixMessages(stored(agent), 'llm.output_messages').at(-1)?.content === run.result.output);
    expect(answering.length).toBeGreaterThan(0);
  });
});

const visibleText = (page: Page, text: string) => page.getByText(text, { exact: false }).filter({ visible: true }).first();

/**
 * Selects a span in the trace tree until its details show `text`. On a busy machine a click can land
 * while Phoenix re-renders the tree and be lost, or the details can take long to load: click again.
 */
async function selectSpan(page: Page, span: Locator, text: string): Promise<void> {
  const deadline = Date.now() + SELECT_MS;
  for (;;) {
    await span.click();
    try {
      await visibleText(page, text).waitFor({ timeout: Math.min(STEP_MS / 4, Math.max(deadline - Date.now(), 1)) });
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
  }
}

it('opens the printed link in Phoenix’s UI: a model call’s conversation, a tool’s arguments and result, an agent’s input and output', { timeout: 180_000 }, async () => {
  const { run } = await runIntoPhoenix('weather', false);
  const url = phoenixTraceUrl(phoenix.url, run.result.traceId);
  expect(whereToLook(run.result.traceId, { PHOENIX_COLLECTOR_ENDPOINT: phoenix.url, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: phoenix.otlpTracesUrl })).toEqual([
    `Phoenix: ${url}`,
  ]);
  const tools = ofType(run, 'function');
  const page = await chromium.context.newPage();
  await page.goto(url);

  // The last model call: system prompt, question, the tool calls by name, their results, the answer.
  const chats = page.getByText(ofType(run, 'response').at(-1)!.name, { exact: true }).filter({ visible: true });
  await chats.first().waitFor({ timeout: FIRST_LOAD_MS });
  await selectSpan(page, chats.last(), INSTRUCTIONS.weather);
  await visibleText(page, DEMO_PROMPTS.weather).waitFor({ timeout: STEP_MS });
  for (const tool of tools) {
    await visibleText(page, `${String(tool.attributes[GEN_AI.TOOL_NAME])}({`).waitFor({ timeout: STEP_MS });
    await visibleText(page, resultText(tool.attributes[GEN_AI.TOOL_CALL_RESULT])).waitFor({ timeout: STEP_MS });
  }
  await visibleText(page, String(run.result.output)).waitFor({ timeout: STEP_MS });
  await page.screenshot({ path: screenshotPath('phoenix-chat.png') });

  // A tool: its name, parameters and result.
  await selectSpan(page, page.getByText('execute_tool get_weather', { exact: true }).filter({ visible: true }).first(), 'Tool: get_weather');
  await visibleText(page, '"city": "Paris"').waitFor({ timeout: STEP_MS });
  await visibleText(page, 'Sunny, 21°C in Paris').waitFor({ timeout: STEP_MS });
  await page.screenshot({ path: screenshotPath('phoenix-tool.png') });

  // An agent: the conversation it was given and its answer, among the span's attributes.
  await selectSpan(page, page.getByText('invoke_agent Weather agent', { exact: true }).filter({ visible: true }).first(), 'llm.input_messages.0.message.content');
  const text = await page.locator('body').innerText();
  expect(text).toContain(DEMO_PROMPTS.weather);
  expect(text).toContain(String(run.result.output));
  await page.close();
});
