/**
 * The MLflow UI (3.17.2) in headless Chromium: the link the demo prints for a trace opens it with
 * its whole span tree, its token total, and a tool span's arguments and result. Takes the
 * screenshot docs/images/mlflow-trace.png (with UPDATE_SCREENSHOTS=1).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { AGENTS, GEN_AI, walkSpanTree } from '@agents-tracing/processor';
import { readMlflowTrace } from '@agents-tracing/testing';
import { mlflowTraceUrl, whereToLook } from '@agents-tracing/example-multi-agent';
import { launchChromium, type ChromiumSession } from './support/chromium.js';
import { newMlflowPage } from './support/mlflow-page.js';
import { startMlflowDemo, type MlflowDemo } from './support/mlflow-demo.js';
import { screenshotPath } from './support/screenshots.js';

const SCREENSHOT = screenshotPath('mlflow-trace.png');
/** The first load compiles and fetches the UI's scripts; later steps are quick. */
const FIRST_LOAD_MS = 60_000;
const STEP_MS = 20_000;

const { trackingUri } = inject('mlflow');
let demo: MlflowDemo;
let chromium: ChromiumSession;

beforeAll(async () => {
  // The experiment `pnpm demo:mlflow` uses, as the screenshot shows it.
  demo = await startMlflowDemo(trackingUri, 'agents-demo');
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await demo?.close();
});

const visibleText = (page: Page, text: string) => page.getByText(text, { exact: true }).filter({ visible: true }).first();

it('opens the demo trace from the printed link: span tree, tokens, a tool’s arguments and result', { timeout: 180_000 }, async () => {
  const run = await demo.run('weather', false);
  await readMlflowTrace(trackingUri, run.hex, { expectSpans: run.spanCount, timeoutMs: 30_000 });
  const experimentId = demo.exporter.experiment.experimentId!;
  const url = mlflowTraceUrl(trackingUri, experimentId, run.result.traceId);
  expect(whereToLook(run.result.traceId, { MLFLOW_TRACKING_URI: trackingUri, MLFLOW_EXPERIMENT_ID: experimentId })).toEqual([
    `MLflow: ${url}`,
  ]);

  const page = await newMlflowPage(chromium.context);
  await page.goto(url);

  const nodes = [...walkSpanTree(run.recorded)].map(({ node }) => node);
  await visibleText(page, 'invoke_agent Weather agent').waitFor({ timeout: FIRST_LOAD_MS });
  for (const name of new Set(nodes.map((node) => node.name))) {
    await visibleText(page, name).waitFor({ timeout: STEP_MS });
  }
  const models = nodes.filter((node) => node.attributes[AGENTS.SPAN_TYPE] === 'response');
  const tokens = models.reduce(
    (sum, node) => sum + Number(node.attributes[GEN_AI.USAGE_INPUT_TOKENS]) + Number(node.attributes[GEN_AI.USAGE_OUTPUT_TOKENS]),
    0,
  );
  await visibleText(page, `${tokens} tokens`).waitFor({ timeout: STEP_MS });

  // The tool's details: its arguments ({"city":"Paris"}, shown as a field) and its result.
  await visibleText(page, 'execute_tool get_weather').click();
  await visibleText(page, 'Sunny, 21°C in Paris').waitFor({ timeout: STEP_MS });
  await visibleText(page, 'city').waitFor({ timeout: STEP_MS });
  await visibleText(page, 'Paris').waitFor({ timeout: STEP_MS });

  await page.screenshot({ path: SCREENSHOT });
  await page.close();
});
