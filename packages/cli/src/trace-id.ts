import { InvalidTraceIdError, parseTraceId as parseAnyTraceId } from '@agents-tracing/processor';
import { CliError } from './errors.js';

/** The OpenTelemetry trace id (32 lowercase hex) of any form a user may paste; a usage error else. */
export function parseTraceId(input: string): string {
  try {
    return parseAnyTraceId(input);
  } catch (error) {
    if (error instanceof InvalidTraceIdError) throw new CliError(error.message);
    throw error;
  }
}
