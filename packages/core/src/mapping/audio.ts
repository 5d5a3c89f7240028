import type { SpeechGroupSpanData, SpeechSpanData, TranscriptionSpanData } from '@openai/agents-core';
import { AGENTS, GEN_AI } from '../attributes.js';
import type { SpanAttributes } from './span-attributes.js';

type AudioData = TranscriptionSpanData | SpeechSpanData | SpeechGroupSpanData;

/** Base64 audio is summarised (format, decoded size), never exported raw. */
function setAudio(attributes: SpanAttributes, audio: { data?: unknown; format?: unknown } | undefined): void {
  if (!audio) return;
  attributes.set(AGENTS.AUDIO_FORMAT, typeof audio.format === 'string' ? audio.format : undefined);
  if (typeof audio.data === 'string') attributes.set(AGENTS.AUDIO_BYTES, Math.floor((audio.data.length * 3) / 4));
}

export function mapAudio(data: AudioData, attributes: SpanAttributes): string {
  const model = 'model' in data && typeof data.model === 'string' ? data.model : undefined;
  attributes.set(GEN_AI.REQUEST_MODEL, model);
  if (data.type === 'transcription') {
    setAudio(attributes, data.input);
    attributes.content(AGENTS.AUDIO_TEXT, data.output);
  } else if (data.type === 'speech') {
    setAudio(attributes, data.output);
    attributes.content(AGENTS.AUDIO_TEXT, data.input);
  } else {
    attributes.content(AGENTS.AUDIO_TEXT, data.input);
  }
  if ('model_config' in data && data.model_config) attributes.data(AGENTS.MODEL_CONFIG, data.model_config);
  return model ? `${data.type} ${model}` : data.type;
}
