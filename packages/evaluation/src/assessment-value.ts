/**
 * Values an assessment can hold: a number, a boolean, a string, or JSON (objects and arrays of
 * those). Checked before anything is sent, so a bad value fails at the call with a message
 * instead of a rejected request later.
 */
export type JsonValue = number | boolean | string | null | JsonValue[] | { [key: string]: JsonValue };

export type AssessmentValue = number | boolean | string | JsonValue[] | { [key: string]: JsonValue };

export class InvalidAssessmentError extends Error {
  override name = 'InvalidAssessmentError';
}

const MAX_VALUE_BYTES = 64 * 1024;

/** The value as JSON-safe data, or an InvalidAssessmentError saying what is wrong with it. */
export function checkAssessmentValue(name: string, value: unknown): AssessmentValue {
  if (value === undefined || value === null) {
    throw new InvalidAssessmentError(`assessment "${name}" has no value: give a number, boolean, string or JSON object`);
  }
  const problem = findProblem(value, '$', new Set());
  if (problem) throw new InvalidAssessmentError(`assessment "${name}" cannot be stored: ${problem}`);
  const size = Buffer.byteLength(JSON.stringify(value));
  if (size > MAX_VALUE_BYTES) {
    throw new InvalidAssessmentError(
      `assessment "${name}" is ${size} bytes of JSON, over the ${MAX_VALUE_BYTES} allowed: keep large data in the trace and give a summary`,
    );
  }
  return value as AssessmentValue;
}

function findProblem(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot hold`;
    case 'string':
    case 'boolean':
      return undefined;
    case 'object': {
      if (value === null) return path === '$' ? 'the value is null' : undefined;
      if (seen.has(value)) return `${path} refers back to itself (a cycle)`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
        return `${path} is a ${value.constructor?.name ?? 'class instance'}, not plain JSON`;
      }
      seen.add(value);
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      for (const [key, child] of entries) {
        const problem = findProblem(child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, seen);
        if (problem) return problem;
      }
      seen.delete(value);
      return undefined;
    }
    default:
      return `${path} is a ${typeof value}, not JSON`;
  }
}

/** A number for averages: numbers as they are, booleans and yes/no as 1 and 0, else undefined. */
export function numericValue(value: AssessmentValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'yes' || lower === 'pass') return 1;
    if (lower === 'no' || lower === 'fail') return 0;
  }
  return undefined;
}

/** Whether a value reads as pass / fail (boolean or yes/no), for pass rates. */
export function isPassFail(value: AssessmentValue | undefined): boolean {
  return typeof value === 'boolean' || (typeof value === 'string' && numericValue(value) !== undefined);
}
