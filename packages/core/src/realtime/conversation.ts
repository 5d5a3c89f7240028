/**
 * The conversation as the Realtime API reports it, turned into the item shapes of the Responses
 * API (what a `response` span's data holds in text runs), so the processor maps a voice turn's
 * messages as it maps a text turn's. Transcripts stand in for audio, which is never recorded.
 */
import type { ServerEvent } from './session-shape.js';

type Loose = Record<string, unknown>;
const asRecord = (value: unknown): Loose | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** One content part with its audio replaced by the transcript (when there is one yet). */
function contentPart(part: unknown, role: string): Loose | undefined {
  const rec = asRecord(part);
  if (!rec) return undefined;
  const textType = role === 'assistant' ? 'output_text' : 'input_text';
  switch (rec.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: textType, text: stringOf(rec.text) ?? '' };
    case 'input_audio':
    case 'output_audio':
    case 'audio': {
      const transcript = stringOf(rec.transcript);
      return transcript !== undefined ? { type: textType, text: transcript } : { type: rec.type, transcript: null };
    }
    default:
      return { type: String(rec.type ?? 'unknown') };
  }
}

/** A Realtime conversation item as a Responses API item; undefined for items a model call never
 * sees as input (MCP bookkeeping). */
export function responsesItem(item: unknown): Loose | undefined {
  const rec = asRecord(item);
  if (!rec) return undefined;
  switch (rec.type) {
    case 'message': {
      const role = stringOf(rec.role) ?? 'user';
      const content = Array.isArray(rec.content) ? rec.content.map((p) => contentPart(p, role)).filter((p) => p) : [];
      return { type: 'message', role, content };
    }
    case 'function_call':
      return {
        type: 'function_call',
        ...(stringOf(rec.id) ? { id: rec.id } : {}),
        call_id: stringOf(rec.call_id) ?? '',
        name: stringOf(rec.name) ?? '',
        arguments: stringOf(rec.arguments) ?? '',
      };
    case 'function_call_output':
      return { type: 'function_call_output', call_id: stringOf(rec.call_id) ?? '', output: rec.output ?? '' };
    default:
      return undefined;
  }
}

const hasPendingAudio = (item: Loose): boolean =>
  Array.isArray(item.content) &&
  item.content.some((p) => asRecord(p)?.type === 'input_audio' && typeof asRecord(p)?.transcript !== 'string');

interface LoggedItem {
  id: string;
  item: Loose;
  /** Given to a model response as input already. */
  consumed: boolean;
  /** Still waiting for the transcript of its audio. */
  transcribing: boolean;
}

/**
 * What was said to the model, in order: user messages (typed or spoken) and tool outputs. Each
 * response takes the items added since the one before it as its input.
 */
export class ConversationLog {
  readonly #items = new Map<string, LoggedItem>();

  /** Reads `conversation.item.*` and transcription events; other events are ignored. */
  observe(event: ServerEvent): void {
    switch (event.type) {
      case 'conversation.item.added':
      case 'conversation.item.done':
      case 'conversation.item.retrieved':
        this.#upsert(asRecord(event.item));
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.#transcribed(stringOf(event.item_id), stringOf(event.transcript));
        break;
      case 'conversation.item.input_audio_transcription.failed':
        this.#transcribed(stringOf(event.item_id), undefined);
        break;
      case 'conversation.item.deleted': {
        const id = stringOf(event.item_id);
        if (id) this.#items.delete(id);
        break;
      }
      default:
        break;
    }
  }

  /** Ids of the input items not given to a response yet; they are given to this one now. */
  takeInput(): string[] {
    const ids: string[] = [];
    for (const logged of this.#items.values()) {
      if (logged.consumed) continue;
      logged.consumed = true;
      ids.push(logged.id);
    }
    return ids;
  }

  /** The items as Responses API input, with every transcript that has arrived so far. */
  input(ids: readonly string[]): Loose[] {
    return ids
      .map((id) => this.#items.get(id))
      .map((logged) => (logged ? responsesItem(logged.item) : undefined))
      .filter((item): item is Loose => item !== undefined);
  }

  /** True while one of these items still waits for its transcript. */
  transcribing(ids: readonly string[]): boolean {
    return ids.some((id) => this.#items.get(id)?.transcribing === true);
  }

  #upsert(item: Loose | undefined): void {
    const id = stringOf(item?.id);
    if (!item || !id) return;
    const isInput = (item.type === 'message' && item.role !== 'assistant') || item.type === 'function_call_output';
    if (!isInput) return;
    const existing = this.#items.get(id);
    // A later copy of an item without its transcript must not wipe the transcript out.
    if (existing && !existing.transcribing && hasPendingAudio(item)) return;
    this.#items.set(id, { id, item, consumed: existing?.consumed ?? false, transcribing: hasPendingAudio(item) });
  }

  #transcribed(id: string | undefined, transcript: string | undefined): void {
    const logged = id ? this.#items.get(id) : undefined;
    if (!logged) return;
    logged.transcribing = false;
    if (transcript === undefined || !Array.isArray(logged.item.content)) return;
    logged.item = {
      ...logged.item,
      content: logged.item.content.map((p) => (asRecord(p)?.type === 'input_audio' ? { ...asRecord(p), transcript } : p)),
    };
  }
}
