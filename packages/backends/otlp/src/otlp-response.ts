/**
 * Whether an HTTP answer to an OTLP export is an OTLP success. A 2xx is not enough: a login page or
 * a proxy in front of a collector answers 200 with HTML, and the spans never reach the backend.
 */

export type OtlpEncoding = 'protobuf' | 'json';

export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/**
 * A 2xx whose body is not an OTLP response: a configuration problem (wrong URL, a login or
 * proxy page), so sending the same batch again does not help.
 */
export class NotOtlpResponseError extends Error {
  override readonly name = 'NotOtlpResponseError';
  readonly retryable = false;
  constructor(
    readonly url: string,
    readonly status: number,
    /** What answered, in a few words: "an HTML page", "a text/plain answer that is not OTLP". */
    readonly what: string,
  ) {
    super(`${what} answered at ${url} (HTTP ${status})`);
  }
}

const isHtml = (answer: HttpAnswer): boolean =>
  /html/i.test(answer.contentType ?? '') || /^\s*</.test(answer.body.subarray(0, 64).toString('latin1'));

/**
 * Undefined for an OTLP success, else what answered instead. An empty body is a valid empty
 * response in either encoding; anything else must be what OTLP/HTTP answers (the request's
 * encoding, and a body the decoder accepts).
 */
export function notOtlpSuccess(answer: HttpAnswer, encoding: OtlpEncoding, decodes: (body: Buffer) => boolean): string | undefined {
  if (answer.body.length === 0) return undefined;
  if (isHtml(answer)) return 'an HTML page';
  const type = (answer.contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const json = type === 'application/json';
  const protobuf = type === 'application/x-protobuf' || type === 'application/protobuf';
  if (json) return isJsonObject(answer.body) ? undefined : 'a JSON answer that is not an OTLP response';
  if (protobuf) return decodes(answer.body) ? undefined : 'a protobuf answer that is not an OTLP response';
  // No or another content type: accepted only when the body is what the request's encoding answers.
  const ok = encoding === 'json' ? isJsonObject(answer.body) : decodes(answer.body);
  return ok ? undefined : `${type ? `a ${type} answer` : 'an answer without a content type'} that is not an OTLP response`;
}

function isJsonObject(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
