/** Turning what a backend sends back into the span tree's own value types. */
import type { AttributeValue, SpanKindName, SpanStatusName } from '@agents-tracing/processor';

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Scalars and arrays of scalars keep their type, as in the in-memory tree. Anything an OTel
 * attribute cannot hold (an object, a nested array) becomes compact JSON text.
 */
export function toAttributeValue(value: unknown): AttributeValue {
  if (isScalar(value)) return value;
  if (Array.isArray(value) && value.every(isScalar)) return value;
  return JSON.stringify(value) ?? String(value);
}

/** Nanoseconds since the epoch → milliseconds, computed as OpenTelemetry's hrTimeToMilliseconds. */
export function nanosToMillis(nanos: string | number | bigint): number {
  const total = BigInt(nanos);
  const seconds = total / 1_000_000_000n;
  const rest = total % 1_000_000_000n;
  return Number(seconds) * 1e3 + Number(rest) / 1e6;
}

/** OTLP's numeric span kinds; 0 (unspecified) reads as INTERNAL, the API's default. */
export function spanKindName(kind: number | undefined): SpanKindName {
  switch (kind) {
    case 2:
      return 'SERVER';
    case 3:
      return 'CLIENT';
    case 4:
      return 'PRODUCER';
    case 5:
      return 'CONSUMER';
    default:
      return 'INTERNAL';
  }
}

/** A status without an empty message, so it compares equal to the in-memory one. */
export function spanStatus(
  code: SpanStatusName,
  message: string | undefined,
): { code: SpanStatusName; message?: string } {
  return message ? { code, message } : { code };
}
