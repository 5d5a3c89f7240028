import { tool } from '@openai/agents';
import { z } from 'zod';

/** A function tool taking `{ query }` and answering with `result`. */
export function answeringTool(name: string, result: string) {
  return tool({
    name,
    description: `Looks things up (${name}).`,
    parameters: z.object({ query: z.string() }),
    execute: async () => result,
  });
}

/**
 * About `size` characters of prose with the quotes, newlines and non-ASCII a real document has,
 * so JSON escaping is exercised.
 */
export function largeText(size: number): string {
  const paragraph =
    'The committee reviewed the "quarterly" figures line by line; revenue rose 4.2% while costs fell.\n' +
    'Notes: café expansion — Zürich, São Paulo, Kraków — approved after a long \\debate\\.\n';
  return paragraph.repeat(Math.ceil(size / paragraph.length)).slice(0, size);
}
