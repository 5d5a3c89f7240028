import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RealtimeConnection, type ScriptState } from './connection.js';
import type { ReceivedRealtimeEvent, ScriptedRealtime, ScriptedRealtimeOptions } from './types.js';
import { IdSource } from './wire.js';

const PATH = '/v1/realtime';

/** The client must say who it is, as with the real API (the key itself is never kept). */
function authenticated(request: IncomingMessage): boolean {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && /^Bearer \S+/.test(auth)) return true;
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '');
  return protocols.split(',').some((p) => p.trim().startsWith('openai-insecure-api-key.'));
}

/**
 * A scripted stand-in for the OpenAI Realtime API on 127.0.0.1: enough of its WebSocket protocol
 * for the Agents SDK's own `OpenAIRealtimeWebSocket` transport to run a `RealtimeSession`
 * (session set-up, text and audio input with transcripts, streamed audio or text answers, function
 * calls and handoffs, `response.done` with usage, errors, a dropped connection).
 *
 * ```ts
 * const server = await startScriptedRealtime({ responses: [{ say: 'Hello!' }] });
 * await session.connect({ apiKey: 'test', url: server.url });
 * ```
 */
export async function startScriptedRealtime(options: ScriptedRealtimeOptions): Promise<ScriptedRealtime> {
  const received: ReceivedRealtimeEvent[] = [];
  const steps = [...options.responses];
  const transcripts = [...(options.transcripts ?? [])];
  const state: ScriptState = {
    options,
    ids: new IdSource(),
    received,
    nextStep: () => steps.shift(),
    nextTranscript: () => transcripts.shift() ?? '',
  };
  let connections = 0;
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
    verifyClient: ({ req }, done) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== PATH) done(false, 404, `No Realtime endpoint at ${url.pathname}; use ${PATH}`);
      else if (!authenticated(req)) done(false, 401, 'Missing API key: send Authorization: Bearer <key>');
      else done(true);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('connection', (socket, request) => {
    connections += 1;
    const model = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('model') ?? 'gpt-realtime';
    new RealtimeConnection(socket, state, model);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}${PATH}`,
    received,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
