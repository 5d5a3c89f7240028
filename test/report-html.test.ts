/**
 * The HTML report of the demo's traces, opened in headless Chromium from the file alone: the span
 * tree and the waterfall show, errors and guardrail trips stand out, a click shows a span's
 * inputs and outputs, subtrees collapse. Takes the README's screenshot.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAgentSpans, type AgentSpanRecorder } from '@agents-tracing/testing';
import { buildSpanTree, computeTraceDigest, walkSpanTree, type FlatSpan } from '@agents-tracing/processor';
import { buildDemoAgents, runDemoConversation, startDemoModel, type DemoCase } from '@agents-tracing/example-multi-agent';
import { reportCommand, type LoadedTrace } from '../packages/cli/src/index.js';
import { screenshotPath } from './support/screenshots.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const SCREENSHOT = screenshotPath('report.png');

/** Debian's chromium, installed when missing; a clear failure when it cannot be. */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { encoding: 'utf8', env, timeout: 600_000 });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env, timeout: 300_000 });
    result = spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { encoding: 'utf8', env, timeout: 600_000 });
  }
  if (!existsSync(CHROMIUM)) {
    const detail = `${result.error?.message ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`The report test needs Chromium at ${CHROMIUM} and could not install it (apt-get install -y chromium):\n${detail}`);
  }
}

/** A demo run as the processor records it, its digest on the root. */
async function demoTrace(recorder: AgentSpanRecorder, demoCase: DemoCase, streamed: boolean): Promise<LoadedTrace> {
  const model = await startDemoModel('responses', {});
  try {
    const result = await runDemoConversation(buildDemoAgents(model.model), demoCase, streamed);
    const traceId = result.traceId.slice('trace_'.length);
    const spans = recorder.spans({ traceId });
    const digest = computeTraceDigest(spans);
    const signed = spans.map((s): FlatSpan => (s.parentSpanId ? s : { ...s, attributes: { ...s.attributes, ...digest } }));
    return { traceId, spans: signed, tags: {}, source: 'the demo run' };
  } finally {
    await model.close();
  }
}

const namesInTreeOrder = (spans: FlatSpan[]): string[] => [...walkSpanTree(buildSpanTree(spans))].map(({ node }) => node.name);

let browser: Browser;
let recorder: AgentSpanRecorder;
let dir: string;

beforeAll(async () => {
  ensureChromium();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  recorder = recordAgentSpans();
  dir = await mkdtemp(join(tmpdir(), 'report-'));
});

afterAll(async () => {
  await browser?.close();
  await recorder?.stop();
});

/** Writes the report and opens it, failing on any request that is not the file itself. */
async function openReport(trace: LoadedTrace): Promise<{ page: Page; html: string; requests: string[] }> {
  const out = join(dir, `trace-${trace.traceId}.html`);
  const result = await reportCommand(trace, {}, out);
  expect(result.exitCode).toBe(0);
  const page = await browser.newPage({ viewport: { width: 1440, height: 820 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(out).href);
  expect(errors).toEqual([]);
  return { page, html: await readFile(out, 'utf8'), requests };
}

describe('the HTML report of the demo trace', () => {
  it('shows the span tree beside the waterfall, errors marked, from one file without network', async () => {
    const trace = await demoTrace(recorder, 'weather', false);
    const { page, requests } = await openReport(trace);

    expect(requests).toEqual([pathToFileURL(join(dir, `trace-${trace.traceId}.html`)).href]);
    const labels = await page.locator('.row .label').allInnerTexts();
    expect(labels).toEqual(namesInTreeOrder(trace.spans));
    for (const name of ['Travel concierge', 'invoke_agent Triage', 'handoff Triage → Weather agent', 'execute_tool get_weather']) {
      await expect(page.locator('.row .label', { hasText: name }).first().isVisible()).resolves.toBe(true);
    }
    // One bar per span, each inside the timeline and visible.
    const bars = await page.locator('.row .bar').evaluateAll((els) =>
      els.map((el) => {
        const bar = el.getBoundingClientRect();
        const lane = el.parentElement!.getBoundingClientRect();
        return { width: bar.width, inside: bar.left >= lane.left - 0.5 && bar.right <= lane.right + 0.5 };
      }),
    );
    expect(bars).toHaveLength(trace.spans.length);
    expect(bars.every((b) => b.width >= 2 && b.inside)).toBe(true);
    await expect(page.locator('.verdict').innerText()).resolves.toBe('digest verified');
    const failedTool = page.locator('.row.error', { hasText: 'execute_tool get_weather_alerts' });
    await expect(failedTool.locator('.badge.error').innerText()).resolves.toContain('ERROR');

    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await page.close();
  });

  it("shows a span's inputs, outputs and attributes on click", async () => {
    const trace = await demoTrace(recorder, 'weather', false);
    const { page } = await openReport(trace);

    await page.locator('.row', { hasText: 'execute_tool get_weather' }).first().click();
    const details = page.locator('#details');
    await expect(details.locator('h2').innerText()).resolves.toBe('execute_tool get_weather');
    const text = await details.innerText();
    expect(text).toMatch(/INPUTS[\s\S]*gen_ai\.tool\.call\.arguments[\s\S]*"city": "Paris"/i);
    expect(text).toMatch(/OUTPUTS[\s\S]*Sunny, 21°C in Paris/i);
    expect(text).toMatch(/gen_ai\.tool\.call\.id\s+call_/);
    await page.close();
  });

  it('shows a model call as a conversation: system, user, tool calls and their results', async () => {
    const trace = await demoTrace(recorder, 'weather', false);
    const { page } = await openReport(trace);
    await page.locator('.row', { hasText: 'chat ' }).last().click();
    const messages = page.locator('#details .conversation .message');
    const roles = await messages.locator('.role').allInnerTexts();
    expect(roles.map((r) => r.toLowerCase())).toEqual(expect.arrayContaining(['system', 'user', 'assistant · stop']));
    const text = await page.locator('#details').innerText();
    expect(text).toContain('What is the weather in Paris?');
    expect(text).toMatch(/→ get_weather\(\{"city":"Paris"\}\)/);
    expect(text).toContain('← Sunny, 21°C in Paris');
    expect(text).not.toMatch(/"parts"|callId|providerData/);
    await page.close();
  });

  it('collapses and expands a subtree', async () => {
    const trace = await demoTrace(recorder, 'weather', false);
    const { page } = await openReport(trace);
    const agent = page.locator('.row', { hasText: 'invoke_agent Weather agent' });
    const tool = page.locator('.row', { hasText: 'execute_tool get_weather_alerts' });

    await agent.locator('.toggle').click();
    await expect(tool.isVisible()).resolves.toBe(false);
    await expect(agent.getAttribute('aria-expanded')).resolves.toBe('false');
    await agent.locator('.toggle').click();
    await expect(tool.isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('marks a tripped guardrail, and opens on it', async () => {
    const trace = await demoTrace(recorder, 'injection', false);
    const { page } = await openReport(trace);

    const guardrail = page.locator('.row.tripwire', { hasText: 'guardrail prompt injection' });
    await expect(guardrail.locator('.badge.tripwire').innerText()).resolves.toContain('TRIPWIRE');
    await expect(page.locator('#details h2').innerText()).resolves.toBe('guardrail prompt injection');
    await expect(page.locator('#details').innerText()).resolves.toContain('Tripwire triggered');
    await page.close();
  });

  it('shows a failed verification on the page, the changed span marked', async () => {
    const trace = await demoTrace(recorder, 'weather', false);
    const tampered = trace.spans.map((s) => (s.name === 'execute_tool get_weather' ? { ...s, attributes: { ...s.attributes, 'gen_ai.tool.call.result': 'Rain' } } : s));
    const { page } = await openReport({ ...trace, spans: tampered });

    await expect(page.locator('.verdict').innerText()).resolves.toBe('TAMPERED');
    await expect(page.locator('pre.verification').innerText()).resolves.toContain('attribute gen_ai.tool.call.result changed');
    await expect(page.locator('.row', { hasText: 'execute_tool get_weather' }).first().locator('.badge.audit').innerText()).resolves.toBe('CHANGED');
    await page.close();
  });
});
