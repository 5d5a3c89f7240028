/** The server side of the wire: ids and the JSON events the Realtime API sends. */

export type ServerEvent = { type: string } & Record<string, unknown>;

export class IdSource {
  #next = 0;

  next(prefix: string): string {
    this.#next += 1;
    return `${prefix}_${String(this.#next).padStart(6, '0')}`;
  }
}

/** Base64 of `ms` milliseconds of 16-bit mono PCM silence at `rate` Hz, in chunks of at most 100 ms. */
export function silenceChunks(ms: number, rate = 24_000): string[] {
  const chunks: string[] = [];
  for (let left = Math.max(0, ms); left > 0; left -= 100) {
    const bytes = Math.round((Math.min(100, left) / 1000) * rate) * 2;
    chunks.push(Buffer.alloc(bytes).toString('base64'));
  }
  return chunks;
}

export const base64Bytes = (data: string): number => Math.floor((data.replace(/=+$/, '').length * 3) / 4);

/** About four characters a token, like the text-model script. */
export const tokensFor = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

export function argumentsText(args: Record<string, unknown> | string | undefined): string {
  if (typeof args === 'string') return args;
  return JSON.stringify(args ?? {});
}
