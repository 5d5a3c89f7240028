/**
 * The backend readers against stand-in servers that answer with the payload shapes Jaeger 1.76
 * (`/api/v3/traces`) and MLflow 3.17 (`traces/batchGet`) send: decoding, polling and errors.
 * The real servers are exercised in the integration project.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MlflowRestError,
  createMlflowExperiment,
  findMlflowExperimentId,
  readJaegerTrace,
  readMlflowTrace,
} from '../src/backends/index.js';

type Handler = (request: IncomingMessage, url: URL) => { status: number; body: string };

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: Handler): Promise<string> {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const { status, body } = handler(request, new URL(request.url ?? '/', 'http://localhost'));
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const ROOT_ID = 'b7ad6b7169203331';
const CHILD_ID = '00f067aa0ba902b7';

const notFound = { status: 404, body: '{"error":{"httpCode":404,"message":"No traces found"}}' };

function jaegerSpan(spanId: string, name: string, extra: Record<string, unknown>) {
  return {
    traceId: TRACE_ID,
    spanId,
    flags: 257,
    name,
    startTimeUnixNano: '1795443806208000000',
    endTimeUnixNano: '1795443806353980273',
    status: {},
    ...extra,
  };
}

function jaegerTrace(...resourceSpans: { service: string; spans: unknown[] }[]) {
  return {
    status: 200,
    body: JSON.stringify({
      result: {
        resourceSpans: resourceSpans.map(({ service, spans }) => ({
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [{ scope: { name: 'test', version: '1.0.0' }, spans }],
        })),
      },
    }),
  };
}

const jaegerRoot = jaegerSpan(ROOT_ID, 'checkout', {
  kind: 2,
  attributes: [
    { key: 'app.items', value: { intValue: '3' } },
    { key: 'app.total', value: { doubleValue: 12.5 } },
    { key: 'app.express', value: { boolValue: true } },
    { key: 'app.tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
    { key: 'app.order', value: { kvlistValue: { values: [{ key: 'id', value: { intValue: '7' } }] } } },
    { key: '@jaeger@warnings', value: { arrayValue: { values: [{ stringValue: 'clock skew' }] } } },
  ],
});
const jaegerChild = jaegerSpan(CHILD_ID, 'charge card', {
  parentSpanId: ROOT_ID,
  kind: 3,
  startTimeUnixNano: '1795443806212000123',
  status: { code: 2, message: 'card declined' },
  events: [
    {
      timeUnixNano: '1795443806212500000',
      name: 'retry',
      attributes: [{ key: 'attempt', value: { intValue: '2' } }],
    },
  ],
});

describe('readJaegerTrace', () => {
  it('polls until the trace exists and reads it back as a typed tree', async () => {
    let calls = 0;
    const queryUrl = await serve((_request, url) => {
      expect(url.pathname).toBe(`/api/v3/traces/${TRACE_ID}`);
      return ++calls < 3 ? notFound : jaegerTrace({ service: 'shop', spans: [jaegerChild, jaegerRoot] });
    });

    const trace = await readJaegerTrace(queryUrl, TRACE_ID.toUpperCase());

    expect(calls).toBe(3);
    expect(trace).toMatchObject({ traceId: TRACE_ID, spanCount: 2, serviceName: 'shop' });
    expect(trace.roots).toEqual([
      {
        name: 'checkout',
        kind: 'SERVER',
        traceId: TRACE_ID,
        spanId: ROOT_ID,
        startTime: 1795443806208,
        endTime: 1795443806353 + 980273 / 1e6,
        status: { code: 'UNSET' },
        attributes: {
          'app.items': 3,
          'app.total': 12.5,
          'app.express': true,
          'app.tags': ['a', 'b'],
          'app.order': '{"id":7}',
        },
        events: [],
        children: [
          {
            name: 'charge card',
            kind: 'CLIENT',
            traceId: TRACE_ID,
            spanId: CHILD_ID,
            parentSpanId: ROOT_ID,
            startTime: 1795443806212 + 123 / 1e6,
            endTime: 1795443806353 + 980273 / 1e6,
            status: { code: 'ERROR', message: 'card declined' },
            attributes: {},
            events: [{ name: 'retry', time: 1795443806212.5, attributes: { attempt: 2 } }],
            children: [],
          },
        ],
      },
    ]);
  });

  it('reports the service of the root span when several services took part', async () => {
    const queryUrl = await serve(() =>
      jaegerTrace({ service: 'payments', spans: [jaegerChild] }, { service: 'shop', spans: [jaegerRoot] }),
    );

    const trace = await readJaegerTrace(queryUrl, TRACE_ID);

    expect(trace.serviceName).toBe('shop');
  });

  it('waits for the expected number of spans', async () => {
    let calls = 0;
    const queryUrl = await serve(() =>
      ++calls < 3
        ? jaegerTrace({ service: 'shop', spans: [jaegerChild] })
        : jaegerTrace({ service: 'shop', spans: [jaegerChild, jaegerRoot] }),
    );

    const trace = await readJaegerTrace(queryUrl, TRACE_ID, { expectSpans: 2 });

    expect(trace.spanCount).toBe(2);
    expect(trace.roots.map((root) => root.name)).toEqual(['checkout']);
  });

  it('with settle, keeps reading until no new span arrived for that long', async () => {
    const firstSeen = Date.now();
    const queryUrl = await serve(() =>
      Date.now() - firstSeen < 300
        ? jaegerTrace({ service: 'shop', spans: [jaegerChild] })
        : jaegerTrace({ service: 'shop', spans: [jaegerChild, jaegerRoot] }),
    );

    const trace = await readJaegerTrace(queryUrl, TRACE_ID, { settle: 400 });

    expect(trace.spanCount).toBe(2);
  });

  it('times out naming what it found', async () => {
    const queryUrl = await serve(() => jaegerTrace({ service: 'shop', spans: [jaegerChild] }));

    await expect(
      readJaegerTrace(queryUrl, TRACE_ID, { expectSpans: 2, timeoutMs: 300 }),
    ).rejects.toThrow(
      `Jaeger trace ${TRACE_ID} at ${queryUrl}: still waiting for 2 spans, has 1 after 300 ms; found 1 span(s): charge card`,
    );
  });

  it('times out saying the trace never appeared', async () => {
    const queryUrl = await serve(() => notFound);

    await expect(readJaegerTrace(queryUrl, TRACE_ID, { timeoutMs: 300 })).rejects.toThrow(
      'still waiting for the trace to appear after 300 ms',
    );
  });

  it('keeps polling while the server refuses connections, and says so on timeout', async () => {
    const queryUrl = await serve(() => notFound);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;

    await expect(readJaegerTrace(queryUrl, TRACE_ID, { timeoutMs: 300 })).rejects.toThrow(
      /after 300 ms; last error: fetch failed/,
    );
  });
});

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

function mlflowSpan(spanId: string, name: string, extra: Record<string, unknown>) {
  return {
    trace_id: b64(TRACE_ID),
    span_id: b64(spanId),
    name,
    start_time_unix_nano: '1795443748163000000',
    end_time_unix_nano: '1795443748169493272',
    attributes: [{ key: 'mlflow.traceRequestId', value: { string_value: `tr-${TRACE_ID}` } }],
    status: {},
    ...extra,
  };
}

const mlflowRoot = mlflowSpan(ROOT_ID, 'workflow', {
  attributes: [
    { key: 'mlflow.spanType', value: { string_value: 'CHAIN' } },
    {
      key: 'mlflow.spanInputs',
      value: { kvlist_value: { values: [{ key: 'input', value: { string_value: 'hello' } }] } },
    },
    { key: 'app.count', value: { int_value: 42 } },
    { key: 'app.ids', value: { array_value: { values: [{ int_value: 1 }, { int_value: 2 }] } } },
    { key: 'mlflow.traceRequestId', value: { string_value: `tr-${TRACE_ID}` } },
  ],
});
const mlflowChild = mlflowSpan(CHILD_ID, 'chat gpt-4o', {
  parent_span_id: b64(ROOT_ID),
  status: { code: 'STATUS_CODE_ERROR', message: 'rate limited' },
  events: [
    {
      time_unix_nano: '1795443748163223086',
      name: 'exception',
      attributes: [{ key: 'exception.type', value: { string_value: 'RateLimitError' } }],
    },
  ],
});

/**
 * MLflow writes nanosecond times as bare JSON numbers beyond 2^53: the fixtures above hold them
 * as strings, unquoted here.
 */
function batchGet(state: string, spans: unknown[], extraInfo: Record<string, unknown> = {}) {
  const body = JSON.stringify({
    traces: [
      {
        trace_info: {
          trace_id: `tr-${TRACE_ID}`,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '4' } },
          request_time: '2026-11-23T14:22:28.163Z',
          execution_duration: '0.007s',
          state,
          tags: { 'service.name': 'shop', 'mlflow.trace.spansLocation': 'TRACKING_STORE' },
          ...extraInfo,
        },
        spans,
      },
    ],
  }).replace(/"(\w+_unix_nano)":"(\d+)"/g, '"$1":$2');
  return { status: 200, body };
}

describe('readMlflowTrace', () => {
  it('waits for MLflow to finish the trace, then reads the tree and trace info', async () => {
    let calls = 0;
    const trackingUri = await serve((_request, url) => {
      expect(url.pathname).toBe('/api/3.0/mlflow/traces/batchGet');
      expect(url.searchParams.getAll('trace_ids')).toEqual([`tr-${TRACE_ID}`]);
      calls++;
      if (calls === 1) return { status: 200, body: '{}' };
      if (calls === 2) return batchGet('IN_PROGRESS', [mlflowChild]);
      return batchGet('OK', [mlflowChild, mlflowRoot], {
        request_preview: '{"input":"hello"}',
        response_preview: '"bye"',
        trace_metadata: {
          'mlflow.trace.session': 's-1',
          'mlflow.trace.tokenUsage': '{"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}',
        },
      });
    });

    const trace = await readMlflowTrace(`${trackingUri}/`, TRACE_ID);

    expect(calls).toBe(3);
    expect(trace.info).toEqual({
      mlflowTraceId: `tr-${TRACE_ID}`,
      experimentId: '4',
      state: 'OK',
      name: 'workflow',
      requestTime: Date.parse('2026-11-23T14:22:28.163Z'),
      executionDurationMs: 7,
      requestPreview: '{"input":"hello"}',
      responsePreview: '"bye"',
      tags: { 'service.name': 'shop', 'mlflow.trace.spansLocation': 'TRACKING_STORE' },
      metadata: {
        'mlflow.trace.session': 's-1',
        'mlflow.trace.tokenUsage': '{"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}',
      },
      tokenUsage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    });
    expect(trace.roots).toEqual([
      {
        name: 'workflow',
        kind: 'INTERNAL',
        traceId: TRACE_ID,
        spanId: ROOT_ID,
        startTime: 1795443748163,
        endTime: 1795443748169 + 493272 / 1e6,
        status: { code: 'UNSET' },
        attributes: {
          'mlflow.spanType': 'CHAIN',
          'mlflow.spanInputs': '{"input":"hello"}',
          'app.count': 42,
          'app.ids': [1, 2],
        },
        events: [],
        children: [
          {
            name: 'chat gpt-4o',
            kind: 'INTERNAL',
            traceId: TRACE_ID,
            spanId: CHILD_ID,
            parentSpanId: ROOT_ID,
            startTime: 1795443748163,
            endTime: 1795443748169 + 493272 / 1e6,
            status: { code: 'ERROR', message: 'rate limited' },
            attributes: {},
            events: [
              {
                name: 'exception',
                time: 1795443748163 + 223086 / 1e6,
                attributes: { 'exception.type': 'RateLimitError' },
              },
            ],
            children: [],
          },
        ],
      },
    ]);
  });

  it('keeps nanosecond times exact', async () => {
    const trackingUri = await serve(() =>
      batchGet('OK', [mlflowSpan(ROOT_ID, 'root', { end_time_unix_nano: '1795443748169493042' })]),
    );

    const trace = await readMlflowTrace(trackingUri, TRACE_ID);

    // Parsed as a double, …493042 ns becomes …492992 ns and lands on the neighbouring millisecond
    // value, so the tree would not equal the one recorded in memory.
    expect(trace.roots[0]?.endTime).toBe(1795443748169 + 493042 / 1e6);
  });

  it('times out when the root span never arrives', async () => {
    const trackingUri = await serve(() => batchGet('IN_PROGRESS', [mlflowChild]));

    await expect(readMlflowTrace(trackingUri, TRACE_ID, { timeoutMs: 300 })).rejects.toThrow(
      `MLflow trace tr-${TRACE_ID} at ${trackingUri}: still waiting for MLflow to finish the trace (its root span has not arrived) after 300 ms; found 1 span(s): chat gpt-4o`,
    );
  });
});

describe('MLflow REST helpers', () => {
  it('create an experiment and find it by name', async () => {
    const trackingUri = await serve((request, url) => {
      if (request.method === 'POST' && url.pathname === '/api/2.0/mlflow/experiments/create') {
        return { status: 200, body: '{"experiment_id": "12"}' };
      }
      if (url.searchParams.get('experiment_name') === 'agents') {
        return { status: 200, body: '{"experiment": {"experiment_id": "12", "name": "agents"}}' };
      }
      return {
        status: 404,
        body: '{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Could not find experiment"}',
      };
    });

    expect(await createMlflowExperiment(trackingUri, 'agents')).toBe('12');
    expect(await findMlflowExperimentId(trackingUri, 'agents')).toBe('12');
    expect(await findMlflowExperimentId(trackingUri, 'missing')).toBeUndefined();
  });

  it('turn an MLflow error answer into an error with its code and message', async () => {
    const trackingUri = await serve(() => ({
      status: 400,
      body: '{"error_code": "RESOURCE_ALREADY_EXISTS", "message": "Experiment \'agents\' already exists."}',
    }));

    const failure = createMlflowExperiment(trackingUri, 'agents');

    await expect(failure).rejects.toBeInstanceOf(MlflowRestError);
    await expect(failure).rejects.toThrow(
      "MLflow POST api/2.0/mlflow/experiments/create answered 400 RESOURCE_ALREADY_EXISTS: Experiment 'agents' already exists.",
    );
  });
});
