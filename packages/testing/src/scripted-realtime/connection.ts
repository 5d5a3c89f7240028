import type { WebSocket } from 'ws';
import { playReply } from './response-player.js';
import type { ReceivedRealtimeEvent, ScriptedRealtimeOptions, ScriptedRealtimeStep } from './types.js';
import { base64Bytes, tokensFor, type IdSource, type ServerEvent } from './wire.js';

/** How long a barge-in waits for the client's `response.cancel` before ending the response anyway. */
const CANCEL_WAIT_MS = 2_000;

/** What all connections of one server share: the script and what was received. */
export interface ScriptState {
  readonly options: ScriptedRealtimeOptions;
  readonly ids: IdSource;
  readonly received: ReceivedRealtimeEvent[];
  nextStep(): ScriptedRealtimeStep | undefined;
  nextTranscript(): string;
}

/** One client connection speaking the Realtime API's WebSocket protocol. */
export class RealtimeConnection {
  readonly #socket: WebSocket;
  readonly #state: ScriptState;
  #session: Record<string, unknown>;
  readonly #items: ServerEvent[] = [];
  #audioBytes = 0;
  #responding = false;
  #onCancel: (() => void) | undefined;
  #pendingTranscript: { itemId: string; transcript: string } | undefined;

  constructor(socket: WebSocket, state: ScriptState, model: string) {
    this.#socket = socket;
    this.#state = state;
    this.#session = {
      type: 'realtime',
      object: 'realtime.session',
      id: state.ids.next('sess'),
      model,
      output_modalities: ['audio'],
      instructions: '',
      tools: [],
      tracing: null,
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24_000 }, transcription: null, turn_detection: null },
        output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'alloy', speed: 1 },
      },
    };
    socket.on('message', (data) => this.#onMessage(String(data)));
    this.#send({ type: 'session.created', event_id: this.#id('event'), session: this.#session });
  }

  #id(prefix: string): string {
    return this.#state.ids.next(prefix);
  }

  #send(event: ServerEvent): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(event));
  }

  #error(message: string, code: string, eventId?: unknown): void {
    this.#send({
      type: 'error',
      event_id: this.#id('event'),
      error: { type: 'invalid_request_error', code, message, param: null, ...(typeof eventId === 'string' ? { event_id: eventId } : {}) },
    });
  }

  #onMessage(text: string): void {
    let event: ReceivedRealtimeEvent;
    try {
      event = JSON.parse(text) as ReceivedRealtimeEvent;
    } catch {
      this.#error('The event is not valid JSON.', 'invalid_json');
      return;
    }
    if (typeof event?.type !== 'string') {
      this.#error('The event has no type.', 'invalid_event');
      return;
    }
    this.#state.received.push(
      event.type === 'input_audio_buffer.append' ? { ...event, audio: `[${base64Bytes(String(event.audio ?? ''))} bytes]` } : event,
    );
    switch (event.type) {
      case 'session.update':
        this.#updateSession(event.session);
        break;
      case 'conversation.item.create':
        this.#createItem(event);
        break;
      case 'conversation.item.retrieve':
        this.#retrieveItem(event);
        break;
      case 'conversation.item.delete':
        this.#send({ type: 'conversation.item.deleted', event_id: this.#id('event'), item_id: event.item_id });
        break;
      case 'conversation.item.truncate':
        this.#send({ type: 'conversation.item.truncated', event_id: this.#id('event'), item_id: event.item_id, content_index: event.content_index ?? 0, audio_end_ms: event.audio_end_ms ?? 0 });
        break;
      case 'input_audio_buffer.append':
        this.#audioBytes += base64Bytes(String(event.audio ?? ''));
        break;
      case 'input_audio_buffer.clear':
        this.#audioBytes = 0;
        this.#send({ type: 'input_audio_buffer.cleared', event_id: this.#id('event') });
        break;
      case 'input_audio_buffer.commit':
        this.#commitAudio(event);
        break;
      case 'response.create':
        void this.#respond(event.event_id);
        break;
      case 'response.cancel':
        this.#onCancel?.();
        break;
      default:
        this.#error(`The scripted Realtime server does not handle "${event.type}".`, 'unknown_event', event.event_id);
    }
  }

  #updateSession(update: unknown): void {
    if (typeof update !== 'object' || update === null) return;
    const next = update as Record<string, unknown>;
    const audio = (this.#session.audio ?? {}) as Record<string, Record<string, unknown>>;
    const nextAudio = (next.audio ?? {}) as Record<string, Record<string, unknown>>;
    this.#session = {
      ...this.#session,
      ...next,
      audio: { input: { ...audio.input, ...nextAudio.input }, output: { ...audio.output, ...nextAudio.output } },
    };
    this.#send({ type: 'session.updated', event_id: this.#id('event'), session: this.#session });
  }

  #lastItemId(): string | null {
    const last = this.#items.at(-1);
    return typeof last?.id === 'string' ? last.id : null;
  }

  #addItem(item: ServerEvent): void {
    this.#items.push(item);
  }

  #createItem(event: ReceivedRealtimeEvent): void {
    const given = (event.item ?? {}) as Record<string, unknown>;
    const item: ServerEvent = {
      ...given,
      type: typeof given.type === 'string' ? given.type : 'message',
      id: typeof given.id === 'string' ? given.id : this.#id('item'),
      object: 'realtime.item',
      status: 'completed',
    };
    const previous = this.#lastItemId();
    this.#addItem(item);
    this.#send({ type: 'conversation.item.added', event_id: this.#id('event'), previous_item_id: previous, item });
    this.#send({ type: 'conversation.item.done', event_id: this.#id('event'), previous_item_id: previous, item });
  }

  #retrieveItem(event: ReceivedRealtimeEvent): void {
    const item = this.#items.find((i) => i.id === event.item_id);
    if (item) this.#send({ type: 'conversation.item.retrieved', event_id: this.#id('event'), item });
    else this.#error(`No item with id "${String(event.item_id)}".`, 'item_not_found', event.event_id);
  }

  /** Caller audio becomes a user item; its transcript follows, then a response as server VAD would. */
  #commitAudio(event: ReceivedRealtimeEvent): void {
    if (this.#audioBytes === 0) {
      this.#error('The input audio buffer is empty.', 'input_audio_buffer_commit_empty', event.event_id);
      return;
    }
    const itemId = this.#id('item');
    const audioMs = Math.round(this.#audioBytes / 48);
    this.#audioBytes = 0;
    const previous = this.#lastItemId();
    this.#send({ type: 'input_audio_buffer.speech_started', event_id: this.#id('event'), audio_start_ms: 0, item_id: itemId });
    this.#send({ type: 'input_audio_buffer.speech_stopped', event_id: this.#id('event'), audio_end_ms: audioMs, item_id: itemId });
    this.#send({ type: 'input_audio_buffer.committed', event_id: this.#id('event'), previous_item_id: previous, item_id: itemId });
    const item = { id: itemId, object: 'realtime.item', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] };
    this.#addItem(item);
    this.#send({ type: 'conversation.item.added', event_id: this.#id('event'), previous_item_id: previous, item });
    this.#send({ type: 'conversation.item.done', event_id: this.#id('event'), previous_item_id: previous, item });
    const transcript = { itemId, transcript: this.#state.nextTranscript() };
    if (this.#state.options.lateTranscripts) this.#pendingTranscript = transcript;
    else this.#sendTranscript(transcript, audioMs);
    void this.#respond(undefined);
  }

  #sendTranscript({ itemId, transcript }: { itemId: string; transcript: string }, audioMs = 0): void {
    const item = this.#items.find((i) => i.id === itemId);
    if (item) item.content = [{ type: 'input_audio', transcript }];
    this.#send({
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: this.#id('event'),
      item_id: itemId,
      content_index: 0,
      transcript,
      usage: { type: 'duration', seconds: audioMs / 1000 },
    });
  }

  async #respond(requestEventId: unknown): Promise<void> {
    if (this.#responding) {
      this.#error('Conversation already has an active response in progress.', 'conversation_already_has_active_response', requestEventId);
      return;
    }
    const step = this.#state.nextStep();
    if (!step) {
      this.#error(`The scripted Realtime server has no response left (${this.#state.options.responses.length} scripted).`, 'script_exhausted', requestEventId);
      return;
    }
    if ('error' in step) {
      this.#error(step.error.message, step.error.code ?? 'scripted_error', requestEventId);
      return;
    }
    const responseId = this.#id('resp');
    if ('drop' in step) {
      this.#send({ type: 'response.created', event_id: this.#id('event'), response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } });
      // No close frame: the client sees the connection drop, as on a network failure.
      setImmediate(() => this.#socket.terminate());
      return;
    }
    this.#responding = true;
    try {
      await playReply(step, responseId, {
        ids: this.#state.ids,
        send: (e) => this.#send(e),
        cancelled: () => this.#waitForCancel(),
        modality: (this.#session.output_modalities as string[] | undefined)?.includes('audio') ? 'audio' : 'text',
        lastItemId: () => this.#lastItemId(),
        addItem: (item) => this.#addItem(item),
        inputTokens: tokensFor(JSON.stringify(this.#items) + String(this.#session.instructions ?? '')),
      });
    } finally {
      this.#responding = false;
    }
    const late = this.#pendingTranscript;
    this.#pendingTranscript = undefined;
    if (late) this.#sendTranscript(late);
  }

  #waitForCancel(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, CANCEL_WAIT_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#onCancel = () => {
        this.#onCancel = undefined;
        done();
      };
    });
  }
}
