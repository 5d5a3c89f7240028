/**
 * Audio is summarised, never recorded: its format, its size in bytes, and how long it plays.
 */

export interface AudioFormat {
  /** `audio/pcm` (16-bit mono), `audio/pcmu` or `audio/pcma` (8 kHz G.711). */
  type: string;
  rate?: number;
}

export const DEFAULT_AUDIO_FORMAT: AudioFormat = { type: 'audio/pcm', rate: 24_000 };

/** Reads the format the Realtime API reports (`{type, rate}`, or a legacy name such as `pcm16`). */
export function audioFormatOf(value: unknown): AudioFormat | undefined {
  if (typeof value === 'string') {
    if (value.startsWith('g711_ulaw')) return { type: 'audio/pcmu', rate: 8_000 };
    if (value.startsWith('g711_alaw')) return { type: 'audio/pcma', rate: 8_000 };
    return { type: 'audio/pcm', rate: 24_000 };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, rate } = value as { type?: unknown; rate?: unknown };
  if (typeof type !== 'string') return undefined;
  return { type, ...(typeof rate === 'number' && rate > 0 ? { rate } : {}) };
}

/** Milliseconds of sound in `bytes` of audio in this format. */
export function audioDurationMs(bytes: number, format: AudioFormat): number {
  if (format.type === 'audio/pcmu' || format.type === 'audio/pcma') return Math.round(bytes / 8);
  const rate = format.rate ?? 24_000;
  return Math.round((bytes / 2 / rate) * 1000);
}

/** Decoded size of base64 text, without decoding it. */
export const base64Bytes = (data: string): number => Math.floor((data.replace(/=+$/, '').length * 3) / 4);

/** A running total of audio in one direction. */
export class AudioTally {
  bytes = 0;

  add(bytes: number): void {
    if (Number.isFinite(bytes) && bytes > 0) this.bytes += bytes;
  }

  /** The summary attributes under `prefix`, or none when no audio passed. */
  attributes(prefix: string, format: AudioFormat): Record<string, string | number> {
    if (this.bytes === 0) return {};
    return {
      [`${prefix}.format`]: format.rate ? `${format.type};rate=${format.rate}` : format.type,
      [`${prefix}.bytes`]: this.bytes,
      [`${prefix}.duration_ms`]: audioDurationMs(this.bytes, format),
    };
  }
}
