/**
 * What MLflow's UI (3.17.2, headless Chromium) shows of an evaluation: feedback on the trace page,
 * the run in the experiment's "Evaluation runs" view, both agent versions in "Agent versions".
 * Screenshots docs/images/mlflow-{assessment,evaluation-runs,agent-versions}.png (UPDATE_SCREENSHOTS=1).
 */
import { randomUUID } from 'node:crypto';
import { setTracingDisabled } from '@openai/agents';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, inject, it } from 'vitest';
import { evaluate, logFeedback, scorer, type EvaluationResult } from '@agents-tracing/evaluation';
import { launchChromium, type ChromiumSession } from './support/chromium.js';
import { startPolicyAgent, type PolicyAgent } from './support/policy-agent.js';
import { screenshotPath } from './support/screenshots.js';

const FIRST_LOAD_MS = 60_000;
const STEP_MS = 20_000;
const { trackingUri } = inject('mlflow');
const env = { MLFLOW_TRACKING_URI: trackingUri };
const experiment = `support-evals-${randomUUID().slice(0, 8)}`;
let agent: PolicyAgent;
let chromium: ChromiumSession;
const results: EvaluationResult<{ question: string }, string>[] = [];

beforeAll(async () => {
  setTracingDisabled(false);
  agent = await startPolicyAgent();
  chromium = await launchChromium();
  for (const version of ['careful', 'careless'] as const) {
    results.push(
      await evaluate({
        name: `support-${version}`,
        experiment,
        agentVersion: { name: `support-${version}` },
        data: [
          { inputs: { question: 'What is the refund period?' }, expectations: { answer: '30 days' } },
          { inputs: { question: 'How long is the warranty?' }, expectations: { answer: '2 years' } },
        ],
        task: ({ question }: { question: string }) => agent.ask(question, version),
        scorers: [scorer('correct', (r) => String(r.outputs).includes(String(r.expectations.answer)))],
        env,
        log: false,
        progress: false,
      }),
    );
  }
});

afterAll(async () => {
  await chromium?.close();
  await agent?.close();
});

const visibleText = (page: Page, text: string) => page.getByText(text, { exact: true }).filter({ visible: true }).first();

async function open(url: string): Promise<Page> {
  const page = await chromium.context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.addInitScript(() => {
    localStorage.setItem('mlflow.assistant.fab.autoOpenedOnFirstLoad_v1', 'true');
    localStorage.setItem('mlflow.assistant.panelOpen_v1', 'false');
    localStorage.setItem('mlflow.detectIssues.guidanceShown_v1', 'true');
  });
  await page.goto(url);
  return page;
}

it('shows feedback on the trace page', { timeout: 180_000 }, async () => {
  const [careful] = results;
  const traceId = careful?.cases[0]?.traceId as string;
  await logFeedback(traceId, { name: 'user_satisfied', value: false, rationale: 'wanted store credit', source: 'alice' }, { env });
  const page = await open(`${trackingUri}/#/experiments/${careful?.experimentId}/traces?selectedEvaluationId=tr-${traceId.slice(6)}`);
  // The Assessments panel opens from the trace's "Assess" button.
  const assess = page.getByRole('button', { name: /Assess/ }).filter({ visible: true }).first();
  await assess.waitFor({ timeout: FIRST_LOAD_MS });
  await assess.click();
  await visibleText(page, 'user_satisfied').waitFor({ timeout: STEP_MS });
  // The reviewer's reason shows once the feedback's entry is unfolded (its chevron).
  const drawer = page.getByRole('dialog');
  const toggle = '[data-component-id="shared.model-trace-explorer.toggle-assessment-expanded"]';
  const card = drawer
    .locator('div')
    .filter({ has: page.getByText('user_satisfied', { exact: true }) })
    .filter({ has: page.locator(toggle) })
    .last();
  await card.locator(toggle).first().click();
  await drawer.getByText('wanted store credit').filter({ visible: true }).first().waitFor({ timeout: STEP_MS });
  await page.screenshot({ path: screenshotPath('mlflow-assessment.png') });
  await page.close();
});

it('lists both runs in the Evaluation runs view', { timeout: 180_000 }, async () => {
  const page = await open(`${trackingUri}/#/experiments/${results[0]?.experimentId}/evaluation-runs`);
  await visibleText(page, 'support-careful').waitFor({ timeout: FIRST_LOAD_MS });
  await visibleText(page, 'support-careless').waitFor({ timeout: STEP_MS });
  await page.screenshot({ path: screenshotPath('mlflow-evaluation-runs.png') });
  await page.close();
});

it('lists both agent versions in the Agent versions view', { timeout: 180_000 }, async () => {
  const page = await open(`${trackingUri}/#/experiments/${results[0]?.experimentId}/models`);
  await visibleText(page, 'support-careful').waitFor({ timeout: FIRST_LOAD_MS });
  await visibleText(page, 'support-careless').waitFor({ timeout: STEP_MS });
  await page.screenshot({ path: screenshotPath('mlflow-agent-versions.png') });
  await page.close();
});
