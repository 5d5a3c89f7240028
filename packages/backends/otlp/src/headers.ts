export interface ParsedHeaders {
  headers: Record<string, string>;
  /** Entries that could not be read, described without their values. */
  problems: string[];
}

/**
 * Reads `OTEL_EXPORTER_OTLP_HEADERS`: comma-separated `name=value` pairs whose names and values are
 * percent-decoded. A value may itself contain `=` or `;` (the W3C baggage metadata syntax is not
 * part of this format), so only the first `=` separates.
 */
export function parseOtlpHeaders(raw: string | undefined): ParsedHeaders {
  const headers: Record<string, string> = {};
  const problems: string[] = [];
  if (raw === undefined) return { headers, problems };

  raw.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const separator = entry.indexOf('=');
    const rawName = separator === -1 ? entry : entry.slice(0, separator);
    const name = decode(rawName.trim());
    const value = separator === -1 ? undefined : decode(entry.slice(separator + 1).trim());
    const label = name === undefined || name === '' ? `entry ${index + 1}` : `"${name}"`;
    if (separator === -1) problems.push(`${label} has no "=" and was ignored`);
    else if (name === undefined || value === undefined) problems.push(`${label} is not valid percent-encoding and was ignored`);
    else if (name === '') problems.push(`${label} has an empty name and was ignored`);
    else if (value === '') problems.push(`${label} has an empty value and was ignored`);
    else {
      const problem = headerProblem(name, value);
      if (problem === undefined) headers[name] = value;
      else problems.push(`${problem} and was ignored`);
    }
  });
  return { headers, problems };
}

// What both HTTP/1.1 and gRPC metadata accept: a token for the name, printable ASCII for the value.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\x20-\x7E]*$/;

/** Why a header cannot be sent ("name … has …"), described without its value; undefined when it can. */
export function headerProblem(name: string, value: string): string | undefined {
  if (!HEADER_NAME.test(name)) return `name "${name}" has characters a header name cannot carry`;
  if (!HEADER_VALUE.test(value)) return `"${name}" has a value with characters other than printable ASCII`;
  return undefined;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Merges header sets, later ones winning. Names are case-insensitive; a header keeps the spelling
 * it was first given, so an override never sends the same header twice under two spellings.
 */
export function mergeHeaders(...sets: Record<string, string>[]): Record<string, string> {
  const merged: Record<string, string> = {};
  const spellings = new Map<string, string>();
  for (const set of sets) {
    for (const [name, value] of Object.entries(set)) {
      const key = name.toLowerCase();
      const spelling = spellings.get(key) ?? name;
      spellings.set(key, spelling);
      merged[spelling] = value;
    }
  }
  return merged;
}
