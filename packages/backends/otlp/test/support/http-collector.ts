import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Name, value, name, value…: every header line as sent, duplicates included. */
  rawHeaders: string[];
  /** Decompressed when sent with gzip. */
  body: Buffer;
}

export interface HttpAnswer {
  status: number;
  body?: string;
}

export interface HttpCollector {
  port: number;
  /** http(s)://127.0.0.1:port */
  origin: string;
  readonly requests: ReceivedRequest[];
  stop(): Promise<void>;
}

export interface HttpCollectorOptions {
  /** Answers for the first requests; every later one gets 200. */
  answers?: HttpAnswer[];
  tls?: https.ServerOptions;
  port?: number;
}

/** An OTLP/HTTP receiver on 127.0.0.1 that records what it gets. */
export async function startHttpCollector(options: HttpCollectorOptions = {}): Promise<HttpCollector> {
  const answers = [...(options.answers ?? [])];
  const requests: ReceivedRequest[] = [];
  const handler: http.RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const gzipped = request.headers['content-encoding'] === 'gzip';
      requests.push({ path: request.url ?? '', headers: request.headers, rawHeaders: request.rawHeaders, body: gzipped ? gunzipSync(body) : body });
      const answer = answers.shift() ?? { status: 200 };
      response.writeHead(answer.status, { 'content-type': 'text/plain' });
      response.end(answer.body ?? '');
    });
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
