/**
 * A 2xx is a success only when it is an OTLP answer: a login or proxy page in front of a collector
 * answers 200 with HTML, and its spans would be counted as exported while none arrived.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpSpanExporter, notOtlpSuccess, OtlpExportError, type OtlpProtocol } from '../src/index.js';
import { exportAsync } from './support/export.js';
import { CapturingLogger } from './support/logger.js';
import { makeSpans } from './support/spans.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
});

async function answering(answer: (response: ServerResponse) => void): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
}

const html = (response: ServerResponse): void => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end('<!DOCTYPE html><html><body><form action="/login">Sign in</form></body></html>');
};

function exporter(endpoint: string, protocol: OtlpProtocol = 'http/protobuf') {
  const logger = new CapturingLogger();
  return { exporter: createOtlpSpanExporter({ endpoint, protocol, retry: false, logger }, {}), logger };
}

describe('an answer that is not OTLP', () => {
  it.each(['http/protobuf', 'http/json'] as const)('a 200 HTML login page fails the export over %s, with a message that says what answered', async (protocol) => {
    const endpoint = await answering(html);
    const { exporter: otlp, logger } = exporter(endpoint, protocol);
    const result = await exportAsync(otlp, makeSpans(3));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(OtlpExportError);
    expect(result.error).toMatchObject({ kind: 'not-otlp', retryable: false });
    expect(result.error!.message).toBe(
      `an HTML page answered at ${endpoint} (HTTP 200); is this URL behind a login or proxy? The spans were not accepted: an OTLP/HTTP collector answers with application/x-protobuf or application/json.`,
    );
    expect(otlp.getStats()).toMatchObject({ exportedSpans: 0 });
    expect(logger.warnings.join('\n')).toContain('an HTML page answered at');
    await otlp.shutdown();
  });

  it('a 200 whose body cannot be an OTLP response fails too; real OTLP answers pass', async () => {
    const plain = await answering((response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('OK, thanks!');
    });
    const result = await exportAsync(exporter(plain, 'http/json').exporter, makeSpans(1));
    expect(result.error?.message).toMatch(/^a text\/plain answer that is not an OTLP response answered at/);

    const protobuf = await answering((response) => {
      response.writeHead(200, { 'content-type': 'application/x-protobuf' });
      response.end(Buffer.alloc(0));
    });
    expect((await exportAsync(exporter(protobuf).exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
    const json = await answering((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"partialSuccess":{}}');
    });
    expect((await exportAsync(exporter(json, 'http/json').exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
  });

  it('judges answers by content type and body', () => {
    const decodes = (body: Buffer): boolean => {
      try {
        ProtobufTraceSerializer.deserializeResponse(body);
        return true;
      } catch {
        return false;
      }
    };
    const judge = (contentType: string | undefined, body: string, encoding: 'protobuf' | 'json' = 'protobuf') =>
      notOtlpSuccess({ status: 200, contentType, body: Buffer.from(body) }, encoding, decodes);
    expect(judge('text/html', '<html></html>')).toBe('an HTML page');
    expect(judge(undefined, '  <!doctype html>')).toBe('an HTML page');
    expect(judge('application/json', '[1,2]', 'json')).toBe('a JSON answer that is not an OTLP response');
    expect(judge('application/json', '{}', 'json')).toBeUndefined();
    expect(judge('text/html', '')).toBeUndefined();
    expect(judge(undefined, '{}', 'json')).toBeUndefined();
  });
});

describe('shutting down with a request out', () => {
  it('aborts a request to a backend that never answers, at once', async () => {
    const endpoint = await answering(() => {});
    const { exporter: otlp } = exporter(endpoint);
    const pending = exportAsync(otlp, makeSpans(2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const began = Date.now();
    await otlp.shutdown();
    const result = await pending;
    expect(Date.now() - began).toBeLessThan(500);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ kind: 'aborted' });
  });
});
