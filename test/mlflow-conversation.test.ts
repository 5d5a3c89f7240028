/**
 * The conversation as MLflow 3.17.2 reads it: the last model call of a multi-tool run, through the
 * Responses API and Chat Completions, plain and streamed, opens in the trace UI (headless Chromium)
 * as chat messages with its system instructions, and MLflow's documented token-usage snippet, run
 * with its own Python client, adds the model calls up to the trace's total. Takes the screenshot
 * docs/images/mlflow-chat-view.png (with UPDATE_SCREENSHOTS=1).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { AGENTS, walkSpanTree, type SpanTreeNode } from '@agents-tracing/processor';
import { readMlflowTrace } from '@agents-tracing/testing';
import { DEMO_PROMPTS, mlflowTraceUrl, type ModelApi } from '@agents-tracing/example-multi-agent';
import { ensureMlflow } from './servers/mlflow.js';
import { launchChromium, type ChromiumSession } from './support/chromium.js';
import { newMlflowPage } from './support/mlflow-page.js';
import { startMlflowDemo, type MlflowDemo } from './support/mlflow-demo.js';
import { screenshotPath } from './support/screenshots.js';

const SCREENSHOT = screenshotPath('mlflow-chat-view.png');
const FIRST_LOAD_MS = 60_000;
const STEP_MS = 20_000;
/** Keys of the SDK's and the Responses API's item objects, which a chat view never shows. */
const RAW_ITEM_KEYS = ['callId', 'call_id', 'function_call_result', 'function_call_output', 'providerData', '"parts"', 'tool_call_response'];

const { trackingUri } = inject('mlflow');
let demo: MlflowDemo;
let chromium: ChromiumSession;

beforeAll(async () => {
  demo = await startMlflowDemo(trackingUri, 'agents-conversation');
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await demo?.close();
});

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

interface TextPart {
  type: string;
  content?: string;
}

/**
 * The instructions a model call was given: the Responses API sends them apart from the history
 * (`gen_ai.system_instructions`), Chat Completions as its first, system, message.
 */
function instructionsOf(model: SpanTreeNode): string {
  const separate = model.attributes['gen_ai.system_instructions'];
  const parts =
    separate === undefined
      ? (JSON.parse(String(model.attributes['gen_ai.input.messages'])) as { role: string; parts: TextPart[] }[]).find(
          (message) => message.role === 'system',
        )?.parts
      : (JSON.parse(String(separate)) as TextPart[]);
  const text = parts?.find((part) => part.type === 'text')?.content;
  if (text === undefined) throw new Error(`${model.name} records no system instructions`);
  return text;
}

const visibleText = (page: Page, text: string) => page.getByText(text, { exact: false }).filter({ visible: true }).first();

it.each<[ModelApi, boolean]>([
  ['responses', false],
  ['responses', true],
  ['chat_completions', false],
  ['chat_completions', true],
])(
  'shows the last model call of a multi-tool run as a conversation (%s API, streamed: %s)',
  { timeout: 180_000 },
  async (api, streamed) => {
    const run = await demo.run('weather', streamed, api);
    await readMlflowTrace(trackingUri, run.hex, { expectSpans: run.spanCount, timeoutMs: 30_000 });
    const url = mlflowTraceUrl(trackingUri, demo.exporter.experiment.experimentId!, run.result.traceId);
    const nodes = [...walkSpanTree(run.recorded)].map(({ node }) => node);
    const models = nodes.filter((node) => node.attributes['gen_ai.operation.name'] === 'chat');
    expect(models.map((model) => model.attributes[AGENTS.SPAN_TYPE])).toEqual(
      models.map(() => (api === 'responses' ? 'response' : 'generation')),
    );
    const tools = nodes.filter((node) => node.attributes[AGENTS.SPAN_TYPE] === 'function');
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['execute_tool get_weather', 'execute_tool get_forecast']));

    const page = await newMlflowPage(chromium.context);
    await page.goto(url);
    const lastModel = models.at(-1)!;
    const sameName = models.filter((model) => model.name === lastModel.name).length;
    await page.getByText(lastModel.name, { exact: true }).filter({ visible: true }).first().waitFor({ timeout: FIRST_LOAD_MS });
    await page.getByText(lastModel.name, { exact: true }).filter({ visible: true }).nth(sameName - 1).click();

    // The system instructions, the user's question, the tool calls by name with their results, and the answer.
    await visibleText(page, instructionsOf(lastModel).slice(0, 40)).waitFor({ timeout: STEP_MS });
    await visibleText(page, DEMO_PROMPTS.weather).waitFor({ timeout: STEP_MS });
    for (const tool of tools) {
      await visibleText(page, String(tool.attributes['gen_ai.tool.name'])).waitFor({ timeout: STEP_MS });
      await visibleText(page, resultText(tool.attributes['gen_ai.tool.call.result'])).waitFor({ timeout: STEP_MS });
    }
    await visibleText(page, String(run.result.output).slice(0, 40)).waitFor({ timeout: STEP_MS });
    const text = await page.locator('body').innerText();
    for (const key of RAW_ITEM_KEYS) expect(text, key).not.toContain(key);
    if (api === 'responses' && !streamed) await page.screenshot({ path: SCREENSHOT });
    await page.close();
  },
);

it('adds up: MLflow’s Python client sums the spans’ mlflow.chat.tokenUsage to the trace’s token_usage', { timeout: 120_000 }, async () => {
  const runs = [
    await demo.run('weather', false),
    await demo.run('travel', true),
    await demo.run('injection', false),
    await demo.run('travel', false, 'chat_completions'),
  ];
  for (const run of runs) await readMlflowTrace(trackingUri, run.hex, { expectSpans: run.spanCount, timeoutMs: 30_000 });
  // The snippet from MLflow's token-usage documentation, per trace.
  const snippet = `
import json, sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
out = []
for trace_id in sys.argv[2:]:
    trace = mlflow.get_trace(trace_id)
    total = trace.info.token_usage or {}
    per_call = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    spans_with_usage = []
    for span in trace.data.spans:
        usage = span.get_attribute("mlflow.chat.tokenUsage")
        if usage:
            spans_with_usage.append(span.span_type)
            for key in per_call:
                per_call[key] += usage.get(key, 0)
    out.append({"total": {k: total.get(k, 0) for k in per_call}, "per_call": per_call, "types": spans_with_usage})
print(json.dumps(out))
`;
  const python = await ensureMlflow();
  const { stdout } = await promisify(execFile)(python, ['-c', snippet, trackingUri, ...runs.map((run) => `tr-${run.hex}`)], {
    timeout: 60_000,
  });
  const results = JSON.parse(stdout) as { total: Record<string, number>; per_call: Record<string, number>; types: string[] }[];
  results.forEach((result, index) => {
    const run = runs[index]!;
    const models = [...walkSpanTree(run.recorded)].map(({ node }) => node).filter((node) => node.attributes['gen_ai.operation.name'] === 'chat');
    const input = models.reduce((sum, node) => sum + Number(node.attributes['gen_ai.usage.input_tokens'] ?? 0), 0);
    expect(result.per_call).toEqual(result.total);
    expect(result.total.input_tokens).toBe(input);
    // Only model calls carry usage, so nothing is counted twice.
    expect(new Set(result.types)).toEqual(new Set(models.length > 0 ? ['CHAT_MODEL'] : []));
  });
});
