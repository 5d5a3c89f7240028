/** What both transports do with a batch before sending it, and the error of a batch cut off by shutdown. */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** Thrown into a request still out when the exporter shuts down. */
export class ExportAbortedError extends Error {
  override readonly name = 'ExportAbortedError';
  readonly retryable = false;
  constructor() {
    super('the export was still waiting for an answer when the exporter shut down, and was aborted');
  }
}

export interface RequestSerializer {
  serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined;
}

/**
 * The batch as a request body, or undefined when `resultCallback` was answered instead: the
 * exporter is shut down (failed, aborted), the batch serialises to nothing (success), or it does not
 * serialise (failed, with why).
 */
export function requestBody(
  spans: ReadableSpan[],
  serializer: RequestSerializer,
  shutDown: boolean,
  resultCallback: (result: ExportResult) => void,
): Buffer | undefined {
  if (shutDown) {
    resultCallback({ code: ExportResultCode.FAILED, error: new ExportAbortedError() });
    return undefined;
  }
  let body: Uint8Array | undefined;
  try {
    body = serializer.serializeRequest(spans);
  } catch (error) {
    resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    return undefined;
  }
  if (body === undefined) {
    resultCallback({ code: ExportResultCode.SUCCESS });
    return undefined;
  }
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
