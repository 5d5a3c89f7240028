/**
 * OTLP over gRPC with @grpc/grpc-js and OpenTelemetry's protobuf serializer. OpenTelemetry's own
 * gRPC exporter waits at shutdown for calls still out until their deadline (10 s by default) and
 * gives no way to cancel them, so a collector that stopped answering held the process; this one
 * cancels them, as the HTTP exporter aborts its requests.
 */
import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ExportAbortedError, requestBody } from './request-body.js';

export interface OtlpGrpcExporterOptions {
  /** `http://host:port` (plaintext) or `https://host:port` (TLS). */
  url: string;
  headers?: Record<string, string>;
  compression?: 'gzip' | 'none';
  timeoutMillis: number;
  /** TLS material for https URLs. */
  tls?: { ca?: Buffer; key?: Buffer; cert?: Buffer };
}

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
// The body is serialised already, and the answer (an ExportTraceServiceResponse) is not read.
const raw = (bytes: Buffer): Buffer => bytes;
// grpc-js's numbers for its compression algorithms.
const COMPRESSION = { none: 0, gzip: 2 } as const;

export class OtlpGrpcExporter implements SpanExporter {
  readonly #grpc: typeof GrpcJs;
  readonly #client: GrpcJs.Client;
  readonly #metadata: GrpcJs.Metadata;
  readonly #timeoutMillis: number;
  readonly #inFlight = new Map<GrpcJs.ClientUnaryCall, Promise<void>>();
  #shutDown = false;

  constructor(options: OtlpGrpcExporterOptions) {
    const grpc = loadGrpc();
    this.#grpc = grpc;
    const url = new URL(options.url);
    const credentials =
      url.protocol === 'https:'
        ? grpc.credentials.createSsl(options.tls?.ca ?? null, options.tls?.key ?? null, options.tls?.cert ?? null)
        : grpc.credentials.createInsecure();
    // The channel connects on the first call, not here.
    this.#client = new grpc.Client(url.host, credentials, {
      'grpc.default_compression_algorithm': COMPRESSION[options.compression ?? 'none'],
    });
    this.#metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(options.headers ?? {})) this.#metadata.set(name, value);
    this.#timeoutMillis = options.timeoutMillis;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const body = requestBody(spans, ProtobufTraceSerializer, this.#shutDown, resultCallback);
    if (body) this.#send(body, resultCallback);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.#inFlight.values());
  }

  /** Cancels calls still out (their batches fail as aborted) and closes the channel. */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    for (const call of this.#inFlight.keys()) call.cancel();
    await Promise.all(this.#inFlight.values());
    this.#client.close();
  }

  #send(body: Buffer, resultCallback: (result: ExportResult) => void): void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    // Safe even if grpc-js answered before makeUnaryRequest returned.
    let finished = false;
    let call: GrpcJs.ClientUnaryCall | undefined;
    call = this.#client.makeUnaryRequest(EXPORT_PATH, raw, raw, body, this.#metadata, { deadline: Date.now() + this.#timeoutMillis }, (error) => {
      finished = true;
      if (call) this.#inFlight.delete(call);
      finish();
      if (!error) {
        resultCallback({ code: ExportResultCode.SUCCESS });
      } else if (this.#shutDown && error.code === this.#grpc.status.CANCELLED) {
        resultCallback({ code: ExportResultCode.FAILED, error: new ExportAbortedError() });
      } else {
        resultCallback({ code: ExportResultCode.FAILED, error });
      }
    });
    if (!finished) this.#inFlight.set(call, done);
  }
}

// @grpc/grpc-js takes ~70 ms to load: only gRPC users pay for it.
function loadGrpc(): typeof GrpcJs {
  return createRequire(import.meta.url)('@grpc/grpc-js') as typeof GrpcJs;
}
