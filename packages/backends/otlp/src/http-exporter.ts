/**
 * OTLP over HTTP (protobuf or JSON), sent with Node's own http module so that every answer is
 * checked (a 200 that is not an OTLP response is a failure) and requests still out when the
 * exporter shuts down are aborted at once instead of holding the process until they time out.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gzipSync } from 'node:zlib';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { NotOtlpResponseError, notOtlpSuccess, type OtlpEncoding } from './otlp-response.js';
import { ExportAbortedError, requestBody } from './request-body.js';

export interface OtlpHttpExporterOptions {
  url: string;
  encoding: OtlpEncoding;
  headers?: Record<string, string>;
  compression?: 'gzip' | 'none';
  timeoutMillis: number;
  /** TLS material for https URLs. */
  tls?: { ca?: Buffer; key?: Buffer; cert?: Buffer };
}

/** A non-2xx answer, shaped as OpenTelemetry's exporters report one: `code` is the status, `data` the body. */
export class OtlpHttpError extends Error {
  override readonly name = 'OTLPExporterError';
  constructor(
    message: string,
    readonly code: number,
    readonly data: string,
  ) {
    super(message);
  }
}

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
const SERIALIZERS = { protobuf: ProtobufTraceSerializer, json: JsonTraceSerializer } as const;

export class OtlpHttpExporter implements SpanExporter {
  readonly #options: OtlpHttpExporterOptions;
  readonly #url: URL;
  readonly #agent: HttpAgent;
  readonly #inFlight = new Map<ClientRequest, Promise<void>>();
  #shutDown = false;

  constructor(options: OtlpHttpExporterOptions) {
    this.#options = options;
    this.#url = new URL(options.url);
    const secure = this.#url.protocol === 'https:';
    this.#agent = secure ? new HttpsAgent({ keepAlive: true, ...options.tls }) : new HttpAgent({ keepAlive: true });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const body = requestBody(spans, SERIALIZERS[this.#options.encoding], this.#shutDown, resultCallback);
    if (body) this.#send(body, resultCallback);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.#inFlight.values());
  }

  /** Aborts requests still out (their batches fail) and closes the connections. */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    for (const request of this.#inFlight.keys()) request.destroy(new ExportAbortedError());
    await Promise.all(this.#inFlight.values());
    this.#agent.destroy();
  }

  #send(payload: Buffer, resultCallback: (result: ExportResult) => void): void {
    const gzip = this.#options.compression === 'gzip';
    const data = gzip ? gzipSync(payload) : payload;
    const headers: Record<string, string> = {
      ...this.#options.headers,
      'content-type': CONTENT_TYPES[this.#options.encoding],
      'content-length': String(data.length),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    };
    const send = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settle!: (result: ExportResult) => void;
    const done = new Promise<void>((resolve) => {
      let settled = false;
      settle = (result) => {
        if (settled) return;
        settled = true;
        this.#inFlight.delete(request);
        resolve();
        resultCallback(result);
      };
    });
    const fail = (error: Error): void => settle({ code: ExportResultCode.FAILED, error });
    const request = send(this.#url, { method: 'POST', headers, agent: this.#agent }, (response) => {
      void readBody(response).then(
        (body) => settle(this.#judge(response, body)),
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
      );
    });
    this.#inFlight.set(request, done);
    // An export never keeps a finished process alive: exit paths flush, within their budget.
    request.on('socket', (socket) => socket.unref());
    request.setTimeout(this.#options.timeoutMillis, () => request.destroy(new Error('Request timed out')));
    request.on('error', fail);
    request.end(data);
  }

  #judge(response: IncomingMessage, body: Buffer): ExportResult {
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const error = new OtlpHttpError(response.statusMessage ?? '', status, body.toString('utf8', 0, Math.min(body.length, 2000)));
      return { code: ExportResultCode.FAILED, error };
    }
    const contentType = response.headers['content-type'];
    const serializer = SERIALIZERS[this.#options.encoding];
    const what = notOtlpSuccess({ status, contentType, body }, this.#options.encoding, (bytes) => decodes(serializer, bytes));
    if (what === undefined) return { code: ExportResultCode.SUCCESS };
    return { code: ExportResultCode.FAILED, error: new NotOtlpResponseError(this.#options.url, status, what) };
  }
}

function decodes(serializer: { deserializeResponse(data: Uint8Array): unknown }, body: Buffer): boolean {
  try {
    serializer.deserializeResponse(body);
    return true;
  } catch {
    return false;
  }
}

function readBody(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        response.destroy(new Error(`the answer was larger than ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('the connection closed before the answer was complete')));
  });
}
