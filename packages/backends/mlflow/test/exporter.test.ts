import { diag, DiagLogLevel, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENTS, GEN_AI } from '@agents-tracing/processor';
import { MlflowSpanExporter, type MlflowSpanExporterOptions } from '../src/index.js';
import { closedPort, reply, startFakeMlflow, type FakeMlflow, type Handler } from './support/fake-mlflow.js';

const TOKEN = 'tok-do-not-print-4f1c9e';
const PASSWORD = 'pw-do-not-print-77ab';

/** Finished spans of a small agent run: workflow root → agent. */
function agentRun(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('test');
  const root = tracer.startSpan('Support', { attributes: { [AGENTS.TRACE_ID]: 'trace_1', [GEN_AI.WORKFLOW_NAME]: 'Support' } });
  tracer
    .startSpan('invoke_agent Triage', { attributes: { [AGENTS.SPAN_TYPE]: 'agent' } }, trace.setSpan(ROOT_CONTEXT, root))
    .end();
  root.end();
  return memory.getFinishedSpans();
}

/** Finished spans of workflow root → task with an input. */
function runWithTask(input: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('test');
  const root = tracer.startSpan('Support', { attributes: { [AGENTS.TRACE_ID]: 'trace_1', [GEN_AI.WORKFLOW_NAME]: 'Support' } });
  const task = { [AGENTS.SPAN_TYPE]: 'task', [GEN_AI.INPUT_MESSAGES]: input };
  tracer.startSpan('invoke_workflow Support', { attributes: task }, trace.setSpan(ROOT_CONTEXT, root)).end();
  root.end();
  return memory.getFinishedSpans();
}

function exportOnce(exporter: MlflowSpanExporter, spans = agentRun()): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

const logs: string[] = [];
const logger = { warn: (m: string) => logs.push(`warn ${m}`), info: (m: string) => logs.push(`info ${m}`) };
let server: FakeMlflow | undefined;

async function fake(handler: Handler): Promise<FakeMlflow> {
  server = await startFakeMlflow(handler);
  return server;
}

function exporterFor(uri: string, options: MlflowSpanExporterOptions = {}): MlflowSpanExporter {
  return new MlflowSpanExporter({ trackingUri: uri, logger, timeoutMillis: 2000, ...options }, {});
}

beforeEach(() => {
  logs.length = 0;
  // Everything OpenTelemetry logs, at every level, is checked for secrets too.
  diag.setLogger(
    {
      error: (...args) => logs.push(`diag ${args.map(String).join(' ')}`),
      warn: (...args) => logs.push(`diag ${args.map(String).join(' ')}`),
      info: (...args) => logs.push(`diag ${args.map(String).join(' ')}`),
      debug: (...args) => logs.push(`diag ${args.map(String).join(' ')}`),
      verbose: (...args) => logs.push(`diag ${args.map(String).join(' ')}`),
    },
    { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
  );
});

afterEach(async () => {
  diag.disable();
  await server?.close();
  server = undefined;
});

describe('sending', () => {
  it('posts OTLP protobuf to /v1/traces with the experiment header and the credentials', async () => {
    const mlflow = await fake((_, res) => reply(res, 200, ''));
    const exporter = exporterFor(mlflow.trackingUri, { experimentId: '5', token: TOKEN });
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.SUCCESS);
    const [request] = mlflow.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/traces' });
    expect(request?.headers['content-type']).toBe('application/x-protobuf');
    expect(request?.headers['x-mlflow-experiment-id']).toBe('5');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.body.includes('mlflow.spanType')).toBe(true);
    expect(request?.body.includes('AGENT')).toBe(true);
    expect(exporter.stats).toEqual({ exportedSpans: 2, failedSpans: 0 });
  });

  it('does not send headers meant for another OTLP backend (OTEL_EXPORTER_OTLP_HEADERS)', async () => {
    const mlflow = await fake((_, res) => reply(res, 200, ''));
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-other-backend-key=other-secret';
    process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = 'authorization=Bearer other-token';
    try {
      await exportOnce(exporterFor(mlflow.trackingUri, { token: TOKEN }));
      expect(process.env.OTEL_EXPORTER_OTLP_HEADERS).toBe('x-other-backend-key=other-secret');
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS;
    }
    const [request] = mlflow.requests;
    expect(request?.headers['x-other-backend-key']).toBeUndefined();
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('leaves the spans it was given untouched: other exporters may share them', async () => {
    const mlflow = await fake((_, res) => reply(res, 200, ''));
    const spans = agentRun();
    const before = spans.map((span) => ({ ...span.attributes }));
    await exportOnce(exporterFor(mlflow.trackingUri), spans);
    expect(spans.map((span) => span.attributes)).toEqual(before);
  });

  it('looks an experiment name up once, creating it, however many exports come at once', async () => {
    let created = false;
    const mlflow = await fake((request, res) => {
      if (request.path.startsWith('/api/2.0/mlflow/experiments/get-by-name')) {
        if (created) return reply(res, 200, { experiment: { experiment_id: '9', name: 'support', lifecycle_stage: 'active' } });
        return reply(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'support'" });
      }
      if (request.path === '/api/2.0/mlflow/experiments/create') {
        created = true;
        return reply(res, 200, { experiment_id: '9' });
      }
      return reply(res, 200, '');
    });
    const exporter = exporterFor(mlflow.trackingUri, { experimentName: 'support' });
    const results = await Promise.all([exportOnce(exporter), exportOnce(exporter), exportOnce(exporter)]);
    await exportOnce(exporter);
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    const paths = mlflow.requests.map((r) => r.path.split('?')[0]);
    expect(paths.filter((p) => p?.includes('/experiments/'))).toEqual([
      '/api/2.0/mlflow/experiments/get-by-name',
      '/api/2.0/mlflow/experiments/create',
    ]);
    expect(JSON.parse(mlflow.requests[1]?.body.toString() ?? '')).toEqual({ name: 'support' });
    const otlp = mlflow.requests.filter((r) => r.path === '/v1/traces');
    expect(otlp).toHaveLength(4);
    expect(otlp.every((r) => r.headers['x-mlflow-experiment-id'] === '9')).toBe(true);
    expect(exporter.experiment).toEqual({ name: 'support', source: 'option', experimentId: '9' });
  });

  it('sends one request at a time: concurrent requests for one trace make MLflow count tokens twice', async () => {
    let inFlight = 0;
    let most = 0;
    const mlflow = await fake(async (_, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      reply(res, 200, '');
    });
    const exporter = exporterFor(mlflow.trackingUri);
    const results = await Promise.all([exportOnce(exporter), exportOnce(exporter), exportOnce(exporter)]);
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    expect(mlflow.requests).toHaveLength(3);
    expect(most).toBe(1);
  });

  it('a failed lookup is tried again on the next export', async () => {
    let lookups = 0;
    const mlflow = await fake((request, res) => {
      if (request.path.startsWith('/api/2.0/mlflow/experiments/get-by-name')) {
        lookups += 1;
        if (lookups === 1) return reply(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'starting' });
        return reply(res, 200, { experiment: { experiment_id: '4', name: 'support', lifecycle_stage: 'active' } });
      }
      return reply(res, 200, '');
    });
    const exporter = exporterFor(mlflow.trackingUri, { experimentName: 'support' });
    const first = await exportOnce(exporter);
    expect(first.error?.message).toMatch(/HTTP 503: starting.*get-by-name/);
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.SUCCESS);
    expect(logs.filter((l) => l.startsWith('info'))).toEqual([
      `info exporting spans to MLflow at ${mlflow.trackingUri} works again; 2 spans could not be delivered meanwhile.`,
    ]);
  });

  it('says so when the experiment is in the trash', async () => {
    const mlflow = await fake((_, res) =>
      reply(res, 200, { experiment: { experiment_id: '3', name: 'old', lifecycle_stage: 'deleted' } }),
    );
    const result = await exportOnce(exporterFor(mlflow.trackingUri, { experimentName: 'old' }));
    expect(result.error?.message).toMatch(/experiment "old" \(id 3\) in the trash: restore it/);
  });

  it('a root sent again after a failure still carries what its runs, delivered earlier, told it', async () => {
    const statuses = [200, 400, 200];
    const mlflow = await fake((_, res) => reply(res, statuses.shift() ?? 200, ''));
    const exporter = exporterFor(mlflow.trackingUri);
    const [task, root] = runWithTask('a question only this test asks');
    expect((await exportOnce(exporter, [task!])).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportOnce(exporter, [root!])).code).toBe(ExportResultCode.FAILED);
    expect((await exportOnce(exporter, [root!])).code).toBe(ExportResultCode.SUCCESS);
    // The task's own input and its mlflow.spanInputs; then, twice, the root's request carried up.
    const mentions = mlflow.requests.map((r) => r.body.toString('latin1').split('a question only this test asks').length - 1);
    expect(mentions).toEqual([2, 1, 1]);
  });

  it('refuses to export after shutdown', async () => {
    const mlflow = await fake((_, res) => reply(res, 200, ''));
    const exporter = exporterFor(mlflow.trackingUri);
    await exporter.shutdown();
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.FAILED);
    expect(mlflow.requests).toEqual([]);
  });
});

describe('failures', () => {
  it('401: names the variables to check, once for many batches, and never prints the secret', async () => {
    const mlflow = await fake((request, res) =>
      // A server that echoes what it got, the worst case for leaking.
      reply(res, 401, { error_code: 'UNAUTHENTICATED', message: `bad credentials: ${request.headers.authorization}` }),
    );
    const errors: Error[] = [];
    const exporter = exporterFor(mlflow.trackingUri, {
      username: 'alice',
      password: PASSWORD,
      onError: (error) => errors.push(error),
    });
    const results = [await exportOnce(exporter), await exportOnce(exporter), await exportOnce(exporter)];
    expect(results.every((r) => r.code === ExportResultCode.FAILED)).toBe(true);
    expect(errors).toHaveLength(3);
    expect(errors[0]?.message).toBe(
      `MLflow at ${mlflow.trackingUri} refused the credentials (HTTP 401) while trying to export spans: basic auth was ` +
        'sent for user "alice". Check the username and password options.',
    );
    expect(logs.filter((l) => l.startsWith('warn'))).toEqual([`warn ${errors[0]?.message}`]);
    expect(exporter.stats).toMatchObject({ exportedSpans: 0, failedSpans: 6, lastError: { kind: 'unauthorized' } });

    const basic = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    const everything = [...logs, ...errors.map((e) => `${e.message} ${e.stack}`), JSON.stringify(exporter.stats)].join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(basic);
  });

  it('401 without credentials says which variables to set', async () => {
    const mlflow = await fake((_, res) => reply(res, 401, ''));
    const result = await exportOnce(exporterFor(mlflow.trackingUri));
    expect(result.error?.message).toMatch(
      /no credentials were sent\. Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD \(basic auth\) or MLFLOW_TRACKING_TOKEN/,
    );
  });

  it('a REST lookup refused for a bearer token never prints the token', async () => {
    const mlflow = await fake((request, res) => reply(res, 403, { error_code: 'PERMISSION_DENIED', message: `${request.headers.authorization} may not` }));
    const result = await exportOnce(exporterFor(mlflow.trackingUri, { experimentName: 'support', token: TOKEN }));
    expect(result.error?.message).toMatch(/denied access \(HTTP 403\) while trying to look up experiment "support"/);
    expect([...logs, result.error?.message, result.error?.stack].join('\n')).not.toContain(TOKEN);
  });

  it('an unreachable server: is `mlflow server` running?', async () => {
    const port = await closedPort();
    const exporter = exporterFor(`http://127.0.0.1:${port}`, { timeoutMillis: 300 });
    const result = await exportOnce(exporter);
    expect(result.error?.message).toMatch(
      new RegExp(`^could not reach MLflow at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): is \`mlflow server\` running\\?`),
    );
  });

  it('an unreachable server during the experiment lookup says the same', async () => {
    const port = await closedPort();
    const result = await exportOnce(exporterFor(`http://127.0.0.1:${port}`, { experimentName: 'support' }));
    expect(result.error?.message).toMatch(/^could not reach MLflow at .* \(ECONNREFUSED\): is `mlflow server` running\?/);
  });

  it('a server without /v1/traces (MLflow before 3.6)', async () => {
    const mlflow = await fake((_, res) => reply(res, 404, '<!doctype html><title>404 Not Found</title>'));
    const result = await exportOnce(exporterFor(mlflow.trackingUri));
    expect(result.error?.message).toMatch(/does not accept traces at \/v1\/traces \(HTTP 404\): MLflow ≥ 3\.6 with a SQL backend store/);
  });

  it('a file-store server answers 501', async () => {
    const mlflow = await fake((_, res) => reply(res, 501, { detail: 'REST OTLP span logging is not supported by FileStore' }));
    const result = await exportOnce(exporterFor(mlflow.trackingUri));
    expect(result.error?.message).toMatch(/HTTP 501.*file store\. Start the server with --backend-store-uri sqlite:\/\/\/mlflow\.db/);
  });

  it('an unknown experiment id', async () => {
    const mlflow = await fake((_, res) =>
      reply(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=42 exists' }),
    );
    const result = await exportOnce(exporterFor(mlflow.trackingUri, { experimentId: '42' }));
    expect(result.error?.message).toMatch(/has no experiment with id 42 \(HTTP 404\)/);
  });

  it('a new problem is reported, and recovery too', async () => {
    let status = 401;
    const mlflow = await fake((_, res) => reply(res, status, ''));
    const exporter = exporterFor(mlflow.trackingUri);
    await exportOnce(exporter);
    await exportOnce(exporter);
    status = 501;
    await exportOnce(exporter);
    status = 200;
    await exportOnce(exporter);
    await exportOnce(exporter);
    expect(logs.filter((l) => !l.startsWith('diag'))).toEqual([
      expect.stringMatching(/^warn MLflow at .* refused the credentials/),
      expect.stringMatching(/^warn MLflow at .* cannot store traces/),
      expect.stringMatching(/^info exporting spans to MLflow at .* works again/),
    ]);
  });
});

describe('something that is not MLflow answering', () => {
  const loginPage = '<!DOCTYPE html><html><body><form action="/login">Sign in</form></body></html>';

  it('a 200 HTML page at the OTLP endpoint fails the export and says so, instead of counting the spans as exported', async () => {
    const mlflow = await fake((_, res) => reply(res, 200, loginPage));
    const exporter = exporterFor(mlflow.trackingUri, { experimentId: '7' });
    const result = await exportOnce(exporter);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ kind: 'not-mlflow', retryable: false });
    expect(result.error!.message).toMatch(
      new RegExp(`^an HTML page answered at ${mlflow.trackingUri}/v1/traces \\(HTTP 200\\) while trying to export spans; is this URL behind a login or proxy, or not an MLflow tracking server\\?`),
    );
    expect(exporter.stats).toMatchObject({ exportedSpans: 0 });
    expect(logs.join('\n')).toContain('an HTML page answered at');
  });

  it('the experiment look-up tells "not an MLflow server" from "not reachable"', async () => {
    const mlflow = await fake((_, res) => reply(res, 200, loginPage));
    const notMlflow = await exportOnce(exporterFor(mlflow.trackingUri, { experimentName: 'support' }));
    expect(notMlflow.error).toMatchObject({ kind: 'not-mlflow' });
    expect(notMlflow.error!.message).toMatch(/^an HTML page answered at .*\/api\/2\.0\/mlflow\/experiments\/get-by-name \(HTTP 200\) while trying to look up experiment "support"; is this URL behind a login or proxy, or not an MLflow tracking server\?/);
    const unreachable = await exportOnce(exporterFor(`http://127.0.0.1:${await closedPort()}`, { experimentName: 'support' }));
    expect(unreachable.error).toMatchObject({ kind: 'unreachable' });
    expect(unreachable.error!.message).toMatch(/^could not reach MLflow at .*is `mlflow server` running\?/);
  });

  it('shutdown aborts the experiment look-up MLflow never answers, at once, and the batch is told so', async () => {
    const mlflow = await fake(() => {});
    const exporter = exporterFor(mlflow.trackingUri, { experimentName: 'never-answered', timeoutMillis: 30_000 });
    const pending = exportOnce(exporter);
    await expect.poll(() => mlflow.requests.length).toBe(1);
    const began = Date.now();
    await exporter.shutdown();
    expect(Date.now() - began).toBeLessThan(500);
    const result = await pending;
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ kind: 'aborted' });
    expect(result.error?.message).toMatch(/was still waiting for an answer when the exporter shut down, and was aborted/);
  });

  it('the client it hands out still reads after the exporter shut down', async () => {
    const mlflow = await fake((_request, res) => reply(res, 200, { experiment: { experiment_id: '9', name: 'x', lifecycle_stage: 'active' } }));
    const exporter = exporterFor(mlflow.trackingUri, { experimentId: '7' });
    await exporter.shutdown();
    await expect(exporter.client.getExperimentByName('x')).resolves.toMatchObject({ experimentId: '9' });
  });

  it('shutdown aborts an export MLflow never answers, at once', async () => {
    const mlflow = await fake(() => {});
    const exporter = exporterFor(mlflow.trackingUri, { experimentId: '7', timeoutMillis: 30_000 });
    const pending = exportOnce(exporter);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const began = Date.now();
    await exporter.shutdown();
    expect((await pending).error).toMatchObject({ kind: 'aborted' });
    expect(Date.now() - began).toBeLessThan(500);
  });
});
