import * as grpc from '@grpc/grpc-js';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const raw = (buffer: Buffer) => buffer;

/**
 * A gRPC status to answer with, 'ok', 'late' (OK after 300 ms), or 'never' (the call is held until
 * the client gives up).
 */
export type GrpcAnswer = grpc.status | 'ok' | 'late' | 'never';

const LATE_MS = 300;

export interface GrpcCollector {
  port: number;
  /** Every Export request body, in order. */
  readonly requests: Buffer[];
  /** The bodies answered OK: what a real collector would have stored. */
  readonly accepted: Buffer[];
  readonly metadata: grpc.Metadata[];
  stop(): Promise<void>;
}

export interface GrpcCollectorOptions {
  /** Answers for the first requests; every later one is answered OK. */
  answers?: GrpcAnswer[];
  credentials?: grpc.ServerCredentials;
  port?: number;
}

/**
 * An OTLP trace service on 127.0.0.1 that keeps request bodies as raw protobuf bytes: span names
 * and trace ids can be found in them without decoding.
 */
export async function startGrpcCollector(options: GrpcCollectorOptions = {}): Promise<GrpcCollector> {
  const answers = [...(options.answers ?? [])];
  const requests: Buffer[] = [];
  const accepted: Buffer[] = [];
  const metadata: grpc.Metadata[] = [];
  const server = new grpc.Server();
  const definition = {
    Export: {
      path: EXPORT_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: raw,
      requestDeserialize: raw,
      responseSerialize: raw,
      responseDeserialize: raw,
    },
  } satisfies grpc.ServiceDefinition;
  server.addService(definition, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      requests.push(call.request);
      metadata.push(call.metadata);
      const answer = answers.shift() ?? 'ok';
      if (answer === 'never') return;
      if (answer === 'ok' || answer === 'late') {
        const accept = () => {
          accepted.push(call.request);
          callback(null, Buffer.alloc(0)); // an empty ExportTraceServiceResponse
        };
        if (answer === 'late') setTimeout(accept, LATE_MS);
        else accept();
      } else {
        callback({ code: answer, details: `test collector answers ${grpc.status[answer]}` });
      }
    },
  });
  const credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    requests,
    accepted,
    metadata,
    // Abrupt, like a collector that is killed: the port closes at once.
    stop: async () => server.forceShutdown(),
  };
}
