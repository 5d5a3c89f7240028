/**
 * A loopback TCP proxy in front of a real backend that misbehaves on demand, to see what an
 * outage, a slow or failing backend does to tracing and to the agent run. Bounded: it accepts a
 * limited number of connections at once, buffers a bounded amount per connection, and closes
 * itself after its lifetime even if a test forgets to.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type FaultMode =
  /** Forward both ways. */
  | { kind: 'pass' }
  /** Forward, but hold every chunk of the backend's answer back for `millis`. */
  | { kind: 'delay'; millis: number }
  /** Answer every HTTP/1.1 request with this status and close, without the backend. */
  | { kind: 'status'; status: number }
  /** Reset each connection (TCP RST) as soon as the client sends something. */
  | { kind: 'reset' }
  /** Stop listening: connections are refused, as when the backend is down. */
  | { kind: 'refuse' };

export interface FaultProxyOptions {
  /** The backend's loopback port. */
  upstreamPort: number;
  mode?: FaultMode;
  /** The proxy closes itself after this long. Default 5 minutes. */
  lifetimeMs?: number;
  /** Connections open at once. Default 256. */
  maxConnections?: number;
}

export interface FaultProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly mode: FaultMode;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Applies to new connections; open ones are dropped. */
  setMode(mode: FaultMode): Promise<void>;
  /** Sends later connections to another backend port (a backend restarted elsewhere). */
  setUpstream(port: number): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** A delayed connection stops reading from the backend past this many bytes held back. */
const MAX_HELD_BYTES = 8 * 1024 * 1024;

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let mode: FaultMode = options.mode ?? { kind: 'pass' };
  let upstreamPort = options.upstreamPort;
  let accepted = 0;
  let closed = false;
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    accepted += 1;
    track(client);
    handle(client, mode, upstreamPort, track);
  });
  server.maxConnections = options.maxConnections ?? 256;
  function track(socket: Socket): void {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  await listen(server, 0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy has no port');
  const port = address.port;
  // Refusing from the start: listen once for a port, then stop, as a backend that is down.
  if (mode.kind === 'refuse') await new Promise<void>((resolve) => server.close(() => resolve()));
  const destroyAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  const lifetime = setTimeout(() => void proxy.close(), options.lifetimeMs ?? 5 * 60_000);
  lifetime.unref();

  const proxy: FaultProxy = {
    port,
    url: `http://${HOST}:${port}`,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    async setMode(next) {
      if (closed) throw new Error('fault proxy is closed');
      const wasRefusing = mode.kind === 'refuse';
      mode = next;
      // Open connections are dropped, as a backend that changes state would: clients reuse
      // keep-alive connections, which would otherwise keep the old behaviour.
      destroyAll();
      if (next.kind === 'refuse' && !wasRefusing) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } else if (next.kind !== 'refuse' && wasRefusing) {
        await listen(server, port);
      }
    },
    setUpstream(next) {
      upstreamPort = next;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(lifetime);
      destroyAll();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function handle(client: Socket, mode: FaultMode, upstreamPort: number, track: (socket: Socket) => void): void {
  switch (mode.kind) {
    case 'refuse':
      client.destroy();
      return;
    case 'reset':
      client.once('data', () => client.resetAndDestroy());
      return;
    case 'status':
      answerEveryRequest(client, mode.status);
      return;
    case 'pass':
    case 'delay': {
      const upstream = connect({ host: HOST, port: upstreamPort });
      track(upstream);
      upstream.once('error', () => client.destroy());
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.pipe(upstream);
      if (mode.kind === 'pass') upstream.pipe(client);
      else forwardLate(upstream, client, mode.millis);
    }
  }
}

/** Forwards the backend's bytes `millis` late, in order, pausing the backend when too much is held. */
function forwardLate(from: Socket, to: Socket, millis: number): void {
  let held = 0;
  let lastDue = 0;
  from.on('data', (chunk: Buffer) => {
    held += chunk.length;
    if (held > MAX_HELD_BYTES) from.pause();
    const due = Math.max(Date.now() + millis, lastDue);
    lastDue = due;
    setTimeout(() => {
      held -= chunk.length;
      if (!to.destroyed) to.write(chunk);
      if (held <= MAX_HELD_BYTES) from.resume();
    }, due - Date.now());
  });
  from.once('end', () => setTimeout(() => to.end(), Math.max(0, lastDue - Date.now())));
}

/** Reads each request's head and answers it with `status` and an empty body, then closes. */
function answerEveryRequest(client: Socket, status: number): void {
  let head = '';
  client.on('data', (chunk: Buffer) => {
    if (head.includes('\r\n\r\n')) return; // the body: ignored
    head += chunk.toString('latin1');
    if (head.length > 64 * 1024) client.destroy();
    else if (head.includes('\r\n\r\n')) {
      client.end(`HTTP/1.1 ${status} Fault Injected\r\ncontent-type: text/plain\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    }
  });
}
