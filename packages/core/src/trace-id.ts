/** The SDK's `trace_<32 hex>`, MLflow's `tr-<32 hex>`, or the bare OpenTelemetry 32 hex. */
const TRACE_ID = /^(?:trace_|tr-)?([0-9a-f]{32})$/i;

/** A trace id that is none of the accepted forms. */
export class InvalidTraceIdError extends Error {
  override name = 'InvalidTraceIdError';
}

/** The OpenTelemetry trace id (32 lowercase hex) of any form a user may paste. */
export function parseTraceId(input: string): string {
  const match = TRACE_ID.exec(String(input).trim());
  if (!match?.[1]) {
    throw new InvalidTraceIdError(
      `"${String(input).slice(0, 80)}" is not a trace id: expected trace_<32 hex> (as the Agents SDK prints it), tr-<32 hex> or 32 hex characters`,
    );
  }
  return match[1].toLowerCase();
}
