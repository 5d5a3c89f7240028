import type { MessagePart, Modality } from './types.js';

export type Loose = Record<string, unknown>;

export const asRecord = (value: unknown): Loose | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;

export const stringOf = (...values: unknown[]): string | undefined =>
  values.find((v): v is string => typeof v === 'string');

const DATA_URL = /^data:([^;,]*)(;base64)?,/;

/** Base64 decoded size, without decoding. */
export const base64Bytes = (data: string): number => Math.floor((data.replace(/=+$/, '').length * 3) / 4);

/**
 * Binary data is summarised (its type and size), never recorded: a `blob` part whose content
 * says what was left out.
 */
export function blobPart(modality: Modality, base64: string, mimeType?: string): MessagePart {
  const size = base64Bytes(base64);
  return {
    type: 'blob',
    modality,
    ...(mimeType ? { mime_type: mimeType } : {}),
    content: `[${size} bytes of ${mimeType || modality} data not recorded]`,
    size_bytes: size,
  };
}

/** An image, file or audio given as a URL, a data URL, a file id or inline base64. */
export function mediaPart(
  modality: Modality,
  source: { url?: unknown; data?: unknown; fileId?: unknown; mimeType?: unknown },
): MessagePart | undefined {
  const mimeType = typeof source.mimeType === 'string' ? source.mimeType : undefined;
  if (typeof source.url === 'string' && source.url) {
    const dataUrl = DATA_URL.exec(source.url);
    if (dataUrl) return blobPart(modality, source.url.slice(dataUrl[0].length), dataUrl[1] || mimeType);
    if (!/^[a-z][\w+.-]*:/i.test(source.url)) return blobPart(modality, source.url, mimeType);
    return { type: 'uri', modality, ...(mimeType ? { mime_type: mimeType } : {}), uri: source.url };
  }
  if (typeof source.fileId === 'string' && source.fileId) {
    return { type: 'file', modality, ...(mimeType ? { mime_type: mimeType } : {}), file_id: source.fileId };
  }
  if (typeof source.data === 'string' && source.data) {
    const dataUrl = DATA_URL.exec(source.data);
    if (dataUrl) return blobPart(modality, source.data.slice(dataUrl[0].length), dataUrl[1] || mimeType);
    return blobPart(modality, source.data, mimeType);
  }
  return undefined;
}

/** A shape this version does not know: kept as a generic part under its own type. */
export function genericPart(value: unknown): MessagePart {
  const record = asRecord(value);
  if (!record) return { type: 'text', content: typeof value === 'string' ? value : JSON.stringify(value) ?? String(value) };
  const type = typeof record.type === 'string' && record.type ? record.type : 'unknown';
  return { ...withoutBinary(record), type };
}

/** Drops inline base64 fields (`data`, `image`, `audio`, `file_data`) from an unknown shape. */
function withoutBinary(record: Loose): Loose {
  const kept: Loose = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string' && value.length > 256 && /^(data:|[A-Za-z0-9+/=\s]+$)/.test(value)) {
      kept[key] = `[${base64Bytes(value)} bytes not recorded]`;
    } else if (key !== 'providerData' && key !== 'provider_data') {
      kept[key] = value;
    }
  }
  return kept;
}

/** A tool's output as the SDK records it: text, structured output items, or anything else. */
export function toolResponse(output: unknown): unknown {
  if (typeof output === 'string') return output;
  const record = asRecord(output);
  if (record?.type === 'text' && typeof record.text === 'string') return record.text;
  if (Array.isArray(output)) return output.map((item) => contentPart(item) ?? genericPart(item));
  return record ? contentPart(record) ?? genericPart(record) : output;
}

/**
 * One content part of a message in any of the SDK's or the OpenAI APIs' shapes: text, refusal,
 * image, file, audio. Undefined for a part with nothing in it.
 */
export function contentPart(value: unknown): MessagePart | undefined {
  if (typeof value === 'string') return { type: 'text', content: value };
  const part = asRecord(value);
  if (!part) return undefined;
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
    case 'summary_text':
    case 'reasoning_text':
      return { type: 'text', content: stringOf(part.text, part.content) ?? '' };
    case 'refusal':
      return { type: 'refusal', content: stringOf(part.refusal, part.text) ?? '' };
    case 'input_image':
    case 'image':
    case 'image_url': {
      const imageUrl = asRecord(part.image_url);
      return (
        mediaPart('image', {
          url: stringOf(imageUrl?.url, part.image_url, part.imageUrl, part.image),
          fileId: stringOf(part.file_id, part.fileId, asRecord(part.image)?.id),
        }) ?? genericPart(part)
      );
    }
    case 'input_file':
    case 'file': {
      const file = asRecord(part.file);
      return (
        mediaPart('document', {
          url: stringOf(part.file_url, part.fileUrl, file?.url, part.file, part.file_data, file?.file_data),
          fileId: stringOf(part.file_id, part.fileId, file?.file_id, file?.id),
        }) ?? genericPart(part)
      );
    }
    case 'input_audio':
    case 'audio': {
      const audio = asRecord(part.input_audio) ?? asRecord(part.audio) ?? part;
      const format = stringOf(audio.format);
      const media = mediaPart('audio', {
        data: stringOf(audio.data, part.audio),
        ...(format ? { mimeType: `audio/${format}` } : {}),
      });
      const transcript = stringOf(part.transcript, audio.transcript);
      if (media && transcript) return { ...media, transcript };
      return media ?? (transcript ? { type: 'text', content: transcript } : genericPart(part));
    }
    default:
      return genericPart(part);
  }
}

/** A message's content: a plain string, or a list of content parts. */
export function contentParts(content: unknown): MessagePart[] {
  if (content === undefined || content === null) return [];
  if (!Array.isArray(content)) return [contentPart(content) ?? genericPart(content)];
  return content.map((part) => contentPart(part)).filter((part): part is MessagePart => part !== undefined);
}
