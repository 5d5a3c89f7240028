import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { openAIErrorBody } from './errors.js';
import { readJson, sendFailure, sendJson, sendStep } from './http.js';
import { IdSequence } from './ids.js';
import { parseRequest } from './parse-request.js';
import { ScriptPlayer } from './script-player.js';
import type {
  Script,
  ScriptedApi,
  ScriptedOpenAI,
  ScriptedOpenAIOptions,
  ScriptedRequest,
  ScriptedStep,
} from './types.js';

const ROUTES: Record<string, ScriptedApi> = {
  'POST /v1/responses': 'responses',
  'POST /v1/chat/completions': 'chat_completions',
};

/**
 * Starts an OpenAI-compatible HTTP server on 127.0.0.1 that answers model requests from a script,
 * for driving the real `openai` client and the Agents SDK's real model classes without a network.
 *
 * Serves `POST /v1/responses` (Responses API) and `POST /v1/chat/completions` (Chat Completions),
 * each as JSON or, when the request asks to stream, as server-sent events shaped like OpenAI's.
 *
 * @example
 * ```ts
 * const server = await startScriptedOpenAI([
 *   { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
 *   { text: 'It is sunny in Paris.', usage: { inputTokens: 50, outputTokens: 8 } },
 * ]);
 * const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test' });
 * const agent = new Agent({ name: 'Weather', tools: [getWeather], model: new OpenAIResponsesModel(client, 'gpt-test') });
 * const result = await run(agent, 'Weather in Paris?');
 * await server.close();
 * ```
 */
export async function startScriptedOpenAI(script: Script, options: ScriptedOpenAIOptions = {}): Promise<ScriptedOpenAI> {
  const player = new ScriptPlayer(script);
  const ids = new IdSequence();
  const requests: ScriptedRequest[] = [];
  const closing = new AbortController();

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const api = ROUTES[`${req.method} ${path}`];
    if (!api) {
      const message = `Unknown request URL: ${req.method} ${path}. Please check the URL for typos.`;
      sendJson(res, 404, openAIErrorBody(404, message, 'invalid_request_error', 'unknown_url'));
      return;
    }
    const body = await readJson(req);
    if (!body) {
      sendJson(res, 400, openAIErrorBody(400, 'The request body is not a JSON object.'));
      return;
    }
    const request = parseRequest(api, body, requests.length);
    requests.push(request);
    let step: ScriptedStep;
    try {
      step = await player.stepFor(request);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const where = `model request #${request.index + 1} (${api})`;
      sendFailure(res, 500, `Scripted OpenAI server could not answer ${where}: ${reason}`, 'scripted_responder_error');
      return;
    }
    if (step.delayMs) await sleep(step.delayMs, undefined, { signal: closing.signal });
    sendStep(res, request, step, ids);
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      // Closing aborts delayed answers; a client that went away cannot be answered either.
      if (closing.signal.aborted || res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      sendFailure(res, 500, `Scripted OpenAI server failed: ${reason}`, 'scripted_server_error');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    get requests() {
      return requests;
    },
    reset(next?: Script) {
      player.reset(next);
      requests.length = 0;
      ids.reset();
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
