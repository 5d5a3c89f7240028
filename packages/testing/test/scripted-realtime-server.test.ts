import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { startScriptedRealtime, type ScriptedRealtime } from '../src/index.js';

let server: ScriptedRealtime | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Opens a socket with a key and collects what the server sends. */
async function open(url: string, headers: Record<string, string> = { Authorization: 'Bearer test' }) {
  const socket = new WebSocket(url, { headers });
  const events: { type: string; [key: string]: unknown }[] = [];
  socket.on('message', (data) => events.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, events, send: (event: unknown) => socket.send(typeof event === 'string' ? event : JSON.stringify(event)) };
}

/** The HTTP status the server refuses an upgrade with. */
function refusal(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => {});
  });
}

describe('startScriptedRealtime', () => {
  test('refuses a connection without an API key, or on another path, as the API does', async () => {
    server = await startScriptedRealtime({ responses: [] });
    expect(await refusal(server.url, {})).toBe(401);
    expect(await refusal(server.url.replace('/v1/realtime', '/v1/other'), { Authorization: 'Bearer test' })).toBe(404);
    expect(server.connections).toBe(0);
  });

  test('answers bad client events with error events and stays up', async () => {
    server = await startScriptedRealtime({ responses: [] });
    const client = await open(server.url);
    client.send('{not json');
    client.send({ no: 'type' });
    client.send({ type: 'made.up' });
    client.send({ type: 'input_audio_buffer.commit' });
    client.send({ type: 'response.create', event_id: 'evt_1' });
    client.send({ type: 'conversation.item.retrieve', item_id: 'missing' });
    await expect.poll(() => client.events.filter((e) => e.type === 'error').length).toBe(6);
    const codes = client.events.filter((e) => e.type === 'error').map((e) => (e.error as { code: string }).code);
    expect(codes).toEqual(['invalid_json', 'invalid_event', 'unknown_event', 'input_audio_buffer_commit_empty', 'script_exhausted', 'item_not_found']);
    // The exhausted script says what to do, and links the refused request.
    const exhausted = client.events.find((e) => (e.error as { code?: string })?.code === 'script_exhausted');
    expect(exhausted?.error).toMatchObject({ event_id: 'evt_1', message: expect.stringMatching(/no response left/) });
    client.socket.close();
  });

  test('keeps the audio it receives out of its record, and never the key', async () => {
    server = await startScriptedRealtime({ responses: [{ say: 'Hi.' }] });
    const client = await open(server.url, { Authorization: 'Bearer sk-secret-key' });
    client.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(4_800).toString('base64') });
    client.send({ type: 'input_audio_buffer.commit' });
    await expect.poll(() => client.events.some((e) => e.type === 'response.done')).toBe(true);
    expect(server.received[0]).toEqual({ type: 'input_audio_buffer.append', audio: '[4800 bytes]' });
    expect(JSON.stringify(server.received)).not.toContain('sk-secret-key');
    const done = client.events.find((e) => e.type === 'response.done') as unknown as { response: { usage: { output_tokens: number }; status: string } };
    expect(done.response.status).toBe('completed');
    expect(done.response.usage.output_tokens).toBeGreaterThan(0);
    client.socket.close();
  });
});
