import { describe, expect, it } from 'vitest';
import { otelSpanIdFromSdk, otelTraceIdFromSdk, rootSpanIdFor } from '../src/ids.js';

const HEX32 = '0af7651916cd43dd8448eb211c80319c';
const HEX24 = 'b7ad6b7169203331a1b2c3d4';

describe('OpenTelemetry ids from SDK ids', () => {
  it('takes the hex of the SDK trace id, prefixed or not', () => {
    expect(otelTraceIdFromSdk(`trace_${HEX32}`)).toBe(HEX32);
    expect(otelTraceIdFromSdk(HEX32)).toBe(HEX32);
  });

  it.each([
    ['upper-case hex', `trace_${HEX32.toUpperCase()}`],
    ['too short', `trace_${HEX32.slice(1)}`],
    ['too long', `trace_${HEX32}0`],
    ['all zeros', `trace_${'0'.repeat(32)}`],
    ['not hex', `trace_${HEX32.slice(0, 31)}g`],
    ['a user-chosen id', 'my-conversation-42'],
    ['empty', ''],
  ])('gives no trace id for %s', (_what, id) => {
    expect(otelTraceIdFromSdk(id)).toBeUndefined();
  });

  it('takes the first 16 hex of a prefixed SDK span id, or a bare 16-hex id', () => {
    expect(otelSpanIdFromSdk(`span_${HEX24}`)).toBe(HEX24.slice(0, 16));
    expect(otelSpanIdFromSdk(HEX24.slice(0, 16))).toBe(HEX24.slice(0, 16));
  });

  it.each([
    ['a bare id of 24 hex', HEX24],
    ['a prefixed id shorter than 16 hex', `span_${HEX24.slice(0, 15)}`],
    ['zeros where the id is taken from', `span_${'0'.repeat(16)}abcdef01`],
    ['not hex', `span_${HEX24.slice(0, 15)}x${HEX24.slice(16)}`],
    ['a user-chosen id', 'step-1'],
  ])('gives no span id for %s', (_what, id) => {
    expect(otelSpanIdFromSdk(id)).toBeUndefined();
  });

  it('derives the root span id from the trace id alone', () => {
    const root = rootSpanIdFor(HEX32);
    expect(root).toMatch(/^[0-9a-f]{16}$/);
    expect(rootSpanIdFor(HEX32)).toBe(root);
    expect(rootSpanIdFor(HEX32.replace('0a', '0b'))).not.toBe(root);
  });
});
