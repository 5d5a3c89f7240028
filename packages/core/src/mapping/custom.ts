import type { CustomSpanData } from '@openai/agents-core';
import { AGENTS } from '../attributes.js';
import type { SpanAttributes } from './span-attributes.js';

export function mapCustom(data: CustomSpanData, attributes: SpanAttributes): string {
  attributes.content(AGENTS.CUSTOM_DATA, data.data);
  return data.name || 'custom';
}

/** A span type this version does not know (from a newer SDK): kept as a valid span with its
 * data as bounded JSON. */
export function mapUnknown(data: { type: string }, attributes: SpanAttributes): string {
  attributes.content(AGENTS.CUSTOM_DATA, data);
  const name = (data as { name?: unknown }).name;
  return typeof name === 'string' && name ? `${String(data.type)} ${name}` : String(data.type || 'span');
}
