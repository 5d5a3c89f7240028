import type { IncomingMessage, ServerResponse } from 'node:http';
import { chatCompletionBody, chatCompletionChunks } from './chat-completions-api.js';
import { openAIErrorBody } from './errors.js';
import type { IdSequence } from './ids.js';
import { resolveReply } from './reply.js';
import { responsesBody, responsesEvents } from './responses-api.js';
import type { ScriptedRequest, ScriptedStep } from './types.js';

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** Answers a failure that the `openai` client must not retry, so it reaches the caller once. */
export function sendFailure(res: ServerResponse, status: number, message: string, code: string): void {
  sendJson(res, status, openAIErrorBody(status, message, undefined, code), { 'x-should-retry': 'false' });
}

function sendEvents(res: ServerResponse, headers: Record<string, string>, events: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  for (const event of events) res.write(event);
  res.end();
}

/** Answers a request with a step: its error, or its reply as JSON or as a server-sent event stream. */
export function sendStep(res: ServerResponse, request: ScriptedRequest, step: ScriptedStep, ids: IdSequence): void {
  const headers = { 'x-request-id': ids.next('req_') };
  if ('error' in step) {
    const { status, message, type, code, retryable } = step.error;
    // A retryable failure is retried at once: scripted tests have no use for back-off.
    const retry: Record<string, string> = retryable
      ? { 'x-should-retry': 'true', 'retry-after-ms': '0' }
      : { 'x-should-retry': 'false' };
    sendJson(res, status, openAIErrorBody(status, message, type, code), { ...headers, ...retry });
    return;
  }
  const reply = resolveReply(step, request, ids);
  if (request.api === 'responses') {
    if (!request.stream) return sendJson(res, 200, responsesBody(request, reply, ids), headers);
    const events = responsesEvents(request, reply, ids);
    sendEvents(res, headers, events.map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`));
  } else {
    if (!request.stream) return sendJson(res, 200, chatCompletionBody(request, reply, ids), headers);
    const chunks = chatCompletionChunks(request, reply, ids);
    sendEvents(res, headers, [...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), 'data: [DONE]\n\n']);
  }
}
