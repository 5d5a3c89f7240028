/**
 * Secrets never reach a backend, a log or an error message.
 * 1. Credentials of every default shape planted in a real run (prompt, instructions, tool arguments, results and errors, model
 *    output, trace metadata, error messages and data) are stored nowhere in Jaeger or MLflow: the
 *    whole stored trace is searched, and the text around them is there, so content is captured.
 * 2. The exporters' own credentials (an OTLP bearer token and API key header; MLflow basic auth,
 *    given in the tracking URI, and a token) and the model client's API key never appear in the
 *    spans sent, in anything logged (OpenTelemetry diag at every level, console) or in the
 *    errors, with the backend answering 401.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool, withTrace } from '@openai/agents';
import { createCustomSpan } from '@openai/agents-core';
import OpenAI from 'openai';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { setupAgentTracing, type AgentTracing } from '@agents-tracing/delivery';
import { createMlflowExperiment, readJaegerTrace, readMlflowTrace, startScriptedOpenAI, type ScriptedOpenAI } from '@agents-tracing/testing';
import { fakeCredentials, randomToken } from './support/fake-credentials.js';

const jaeger = inject('jaeger');
const mlflow = inject('mlflow');

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

async function rawText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  expect(response.ok).toBe(true);
  return response.text();
}

describe('credentials inside a real run', () => {
  const secrets = fakeCredentials();
  const all = Object.values(secrets).map((s) => s.text).join(' | ');
  let tracing: AgentTracing;
  let model: ScriptedOpenAI;
  let experimentId: string;

  beforeAll(async () => {
    experimentId = await createMlflowExperiment(mlflow.trackingUri, `secrets-${randomUUID()}`);
    tracing = await setupAgentTracing({
      serviceName: 'secrets-backends',
      otlp: { endpoint: `${jaeger.otlpHttpUrl}/v1/traces` },
      mlflow: { trackingUri: mlflow.trackingUri, experimentId },
    });
    setTracingDisabled(false);
    model = await startScriptedOpenAI((request) =>
      request.toolCalls.length === 0
        ? {
            toolCalls: [
              { name: 'read_config', arguments: { note: `marker-args ${all}` } },
              { name: 'rotate_keys', arguments: { key: secrets.openaiKey!.text, [['pass', 'word'].join('')]: secrets.passwordAssignment!.needle } },
            ],
          }
        : { text: `marker-output here you go: ${all}` },
    );
  });
  afterAll(async () => {
    await tracing.shutdown();
    await model.close();
  });

  it('stores none of them in Jaeger or MLflow, and keeps the text around them', async () => {
    const readConfig = tool({
      name: 'read_config',
      description: 'Reads the configuration.',
      parameters: z.object({ note: z.string() }),
      execute: async () => {
        // A span of the app's own, failing with the secrets in its error message and data.
        const lookup = createCustomSpan({ data: { name: 'vault lookup', data: { url: secrets.basicAuthUrl!.text } } });
        lookup.start();
        lookup.setError({ message: `marker-error vault refused ${all}`, data: { detail: all } });
        lookup.end();
        return `marker-result config: ${all}`;
      },
    });
    const rotateKeys = tool({
      name: 'rotate_keys',
      description: 'Rotates keys.',
      parameters: z.object({ key: z.string(), password: z.string() }),
      // The SDK keeps a tool's error details out of its span on its own; checked all the same.
      execute: async () => {
        throw new Error(`rotation failed for ${all}`);
      },
    });
    const agent = new Agent({
      name: 'Ops agent',
      instructions: `marker-instructions you may use ${all}`,
      tools: [readConfig, rotateKeys],
      model: new OpenAIResponsesModel(new OpenAI({ baseURL: model.baseURL, apiKey: 'scripted' }), 'm'),
    });
    const traceId = await withTrace(
      'Secrets workflow',
      async (trace) => {
        await run(agent, `marker-prompt please check ${all}`);
        return trace.traceId.slice('trace_'.length);
      },
      { metadata: { deploy_token: secrets.bearer!.text, db_url: secrets.basicAuthUrl!.text, everything: all, note: 'marker-metadata' } },
    );
    await tracing.forceFlush();

    const inJaeger = await readJaegerTrace(jaeger.queryUrl, traceId, { settle: 300 });
    const inMlflow = await readMlflowTrace(mlflow.trackingUri, traceId, { expectSpans: inJaeger.spanCount });
    expect(inJaeger.spanCount).toBeGreaterThan(5);
    const stored = {
      jaeger: await rawText(`${jaeger.queryUrl}/api/v3/traces/${traceId}`),
      'jaeger (classic API)': await rawText(`${jaeger.queryUrl}/api/traces/${traceId}`),
      mlflow: await rawText(`${mlflow.trackingUri}/api/3.0/mlflow/traces/batchGet?trace_ids=tr-${traceId}`),
    };
    expect(inMlflow.spanCount).toBe(inJaeger.spanCount);
    for (const [backend, text] of Object.entries(stored)) {
      for (const [shape, { needle }] of Object.entries(secrets)) {
        expect(text.includes(needle), `${shape} stored in ${backend}`).toBe(false);
      }
      // Content was captured: every place the secrets were planted is there, redacted.
      for (const marker of ['marker-prompt', 'marker-instructions', 'marker-args', 'marker-result', 'marker-output', 'marker-error', 'marker-metadata']) {
        expect(text.includes(marker), `${marker} in ${backend}`).toBe(true);
      }
      expect(text).toContain('[REDACTED]');
    }
  });
});

/** A backend that refuses every request with 401 and records what it was sent. */
async function startUnauthorizedServer(): Promise<{ url: string; bodies: Buffer[]; headers: IncomingMessage['headers'][]; close(): Promise<void> }> {
  const bodies: Buffer[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      headers.push(request.headers);
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error_code: 'UNAUTHENTICATED', message: 'bad credentials' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    bodies,
    headers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('exporter credentials with a backend answering 401', () => {
  const otlpToken = randomToken(ALNUM, 32);
  const otlpApiKey = randomToken(ALNUM, 24);
  const mlflowUser = `user${randomToken(ALNUM, 8)}`;
  const mlflowPassword = randomToken(ALNUM, 24);
  const mlflowToken = randomToken(ALNUM, 32);
  const modelApiKey = `sk-proj-${randomToken(ALNUM, 40)}`;
  const credentials = { otlpToken, otlpApiKey, mlflowPassword, mlflowToken, modelApiKey };
  const logged: string[] = [];
  let backend: Awaited<ReturnType<typeof startUnauthorizedServer>>;
  let model: ScriptedOpenAI;

  beforeAll(async () => {
    backend = await startUnauthorizedServer();
    model = await startScriptedOpenAI(() => ({ text: 'done' }));
    const capture = (level: string) => (message: string, ...args: unknown[]) => {
      logged.push(`${level} ${message} ${args.map((a) => (a instanceof Error ? `${a.name}: ${a.message} ${a.stack}` : JSON.stringify(a))).join(' ')}`);
    };
    diag.setLogger(
      { error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug'), verbose: capture('verbose') },
      { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
    );
    // setupAgentTracing() tells delivery problems on stderr.
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(`stderr ${String(chunk)}`);
      return true;
    });
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(`console.${method} ${args.map(String).join(' ')}`));
    }
  });
  afterEach(() => {
    logged.length = 0;
  });
  afterAll(async () => {
    diag.disable();
    vi.restoreAllMocks();
    await Promise.all([backend.close(), model.close()]);
  });

  async function runOnce(tracing: AgentTracing): Promise<void> {
    setTracingDisabled(false);
    const agent = new Agent({
      name: 'Plain agent',
      instructions: 'Answer.',
      model: new OpenAIResponsesModel(new OpenAI({ baseURL: model.baseURL, apiKey: modelApiKey }), 'm'),
    });
    await run(agent, 'hello');
    await tracing.forceFlush();
    await tracing.shutdown();
  }

  function expectNowhere(what: string[]): void {
    const sent = backend.bodies.map((b) => b.toString('latin1')).join('\n');
    for (const [name, secret] of Object.entries(credentials)) {
      expect(sent.includes(secret), `${name} in the spans sent`).toBe(false);
      for (const line of what) expect(line.includes(secret), `${name} in: ${line}`).toBe(false);
    }
  }

  it('never shows the OTLP token or API key, the model key, or span content they could hide in', async () => {
    const tracing = await setupAgentTracing({
      otlp: { endpoint: `${backend.url}/v1/traces`, headers: { authorization: `Bearer ${otlpToken}`, 'x-api-key': otlpApiKey } },
    });
    await runOnce(tracing);
    const stats = tracing.stats();
    expect(stats.exporters['otlp']).toMatchObject({ exported: 0, pending: 0 });
    expect(stats.exporters['otlp']!.dropped).toBeGreaterThan(0);
    // The credentials did go where they belong: the request headers.
    expect(backend.headers.some((h) => h.authorization === `Bearer ${otlpToken}` && h['x-api-key'] === otlpApiKey)).toBe(true);
    // Something was said about the refusal, without the secrets.
    expect(logged.join('\n')).toMatch(/401|unauthori[sz]ed|credentials/i);
    expectNowhere([...logged, JSON.stringify(stats), JSON.stringify((tracing.exporters[0] as { getStats?: () => unknown }).getStats?.())]);
  });

  it('never shows MLflow basic-auth credentials given in the tracking URI', async () => {
    const withUserInfo = backend.url.replace('http://', `http://${mlflowUser}:${mlflowPassword}@`);
    const tracing = await setupAgentTracing({ mlflow: { trackingUri: withUserInfo, experimentId: '1' } });
    await runOnce(tracing);
    expect(tracing.stats().exporters['mlflow']!.dropped).toBeGreaterThan(0);
    expect(backend.headers.some((h) => h.authorization === `Basic ${Buffer.from(`${mlflowUser}:${mlflowPassword}`).toString('base64')}`)).toBe(true);
    expect(logged.join('\n')).toMatch(/401|unauthori[sz]ed|credentials/i);
    expectNowhere([...logged, JSON.stringify(tracing.stats())]);
    expect(logged.join('\n')).not.toContain(Buffer.from(`${mlflowUser}:${mlflowPassword}`).toString('base64'));
  });

  it('never shows an MLflow token', async () => {
    const tracing = await setupAgentTracing({ mlflow: { trackingUri: backend.url, experimentId: '1', token: mlflowToken } });
    await runOnce(tracing);
    expect(tracing.stats().exporters['mlflow']!.dropped).toBeGreaterThan(0);
    expect(backend.headers.some((h) => h.authorization === `Bearer ${mlflowToken}`)).toBe(true);
    expectNowhere([...logged, JSON.stringify(tracing.stats())]);
  });
});
