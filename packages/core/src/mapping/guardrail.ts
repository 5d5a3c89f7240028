import type { GuardrailSpanData } from '@openai/agents-core';
import { AGENTS } from '../attributes.js';
import type { SpanAttributes } from './span-attributes.js';

export function mapGuardrail(data: GuardrailSpanData, attributes: SpanAttributes): string {
  attributes.set(AGENTS.GUARDRAIL_NAME, data.name);
  attributes.set(AGENTS.GUARDRAIL_TRIGGERED, data.triggered === true);
  return `guardrail ${data.name}`;
}
