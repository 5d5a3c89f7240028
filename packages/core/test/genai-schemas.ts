import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { GEN_AI } from '../src/attributes.js';

const schema = (file: string): object =>
  JSON.parse(readFileSync(new URL(`./fixtures/genai-schemas/${file}`, import.meta.url), 'utf8')) as object;

const ajv = new Ajv({ strict: false, allErrors: true, formats: { binary: true } });

/** The conventions' JSON schema of each content attribute, compiled once. */
const validators = {
  [GEN_AI.INPUT_MESSAGES]: ajv.compile(schema('gen-ai-input-messages.json')),
  [GEN_AI.OUTPUT_MESSAGES]: ajv.compile(schema('gen-ai-output-messages.json')),
  [GEN_AI.SYSTEM_INSTRUCTIONS]: ajv.compile(schema('gen-ai-system-instructions.json')),
  [GEN_AI.TOOL_DEFINITIONS]: ajv.compile(schema('gen-ai-tool-definitions.json')),
} as const;

export const GENAI_CONTENT_KEYS = Object.keys(validators);

/**
 * Every content attribute of the given spans that breaks its schema, as `span name: key: error`.
 * An attribute cut at the size limit is not JSON any more and is reported too.
 */
export function genaiSchemaViolations(spans: readonly { name: string; attributes: Record<string, unknown> }[]): string[] {
  const problems: string[] = [];
  for (const span of spans) {
    for (const [key, validate] of Object.entries(validators)) {
      const value = span.attributes[key];
      if (value === undefined) continue;
      let parsed: unknown;
      try {
        parsed = typeof value === 'string' ? JSON.parse(value) : value;
      } catch {
        problems.push(`${span.name}: ${key}: not JSON`);
        continue;
      }
      if (!validate(parsed)) problems.push(`${span.name}: ${key}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  return problems;
}
