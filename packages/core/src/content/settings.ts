import { AGENTS, GEN_AI } from '../attributes.js';

const MODEL_DATA = [
  GEN_AI.INPUT_MESSAGES,
  GEN_AI.OUTPUT_MESSAGES,
  GEN_AI.SYSTEM_INSTRUCTIONS,
  GEN_AI.TOOL_DEFINITIONS,
  AGENTS.AUDIO_TEXT,
];
const TOOL_DATA = [GEN_AI.TOOL_CALL_ARGUMENTS, GEN_AI.TOOL_CALL_RESULT, AGENTS.MCP_DATA];

const isTrue = (value: string | undefined): boolean =>
  value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
const isFalse = (value: string | undefined): boolean =>
  value !== undefined && ['0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());

/** Environment variable that turns content capture off: `AGENTS_TRACING_CAPTURE_CONTENT=false`. */
export const CAPTURE_CONTENT_ENV = 'AGENTS_TRACING_CAPTURE_CONTENT';

/**
 * Content settings from the environment: our own switch, and the SDK's
 * `OPENAI_AGENTS_DONT_LOG_MODEL_DATA` / `OPENAI_AGENTS_DONT_LOG_TOOL_DATA`.
 */
export function contentSettingsFromEnv(env: NodeJS.ProcessEnv): {
  captureContent: boolean | undefined;
  excludedAttributes: ReadonlySet<string>;
} {
  const excluded = new Set<string>();
  if (isTrue(env.OPENAI_AGENTS_DONT_LOG_MODEL_DATA)) for (const key of MODEL_DATA) excluded.add(key);
  if (isTrue(env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA)) for (const key of TOOL_DATA) excluded.add(key);
  const capture = env[CAPTURE_CONTENT_ENV];
  return {
    captureContent: isFalse(capture) ? false : isTrue(capture) ? true : undefined,
    excludedAttributes: excluded,
  };
}
