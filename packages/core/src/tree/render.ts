import { AGENTS, GEN_AI } from '../attributes.js';
import type { SpanTreeNode } from './span-tree.js';

export interface RenderOptions {
  /** Show each span's duration. Off by default so the text is stable for snapshots. */
  durations?: boolean;
  /** Attribute keys to print after the name, as `key=value`. */
  attributes?: readonly string[];
  /** Sibling order: by start time (default), or by name, which is stable for snapshots. */
  order?: 'time' | 'name';
}

const byName = (a: SpanTreeNode, b: SpanTreeNode): number =>
  a.name.localeCompare(b.name, 'en', { numeric: true });

/**
 * An indented text tree, one span per line: token usage, errors and tripped guardrails are
 * marked so a failed step is visible at a glance.
 */
export function renderSpanTree(roots: readonly SpanTreeNode[], options: RenderOptions = {}): string {
  const lines: string[] = [];
  const visit = (node: SpanTreeNode, prefix: string, childPrefix: string): void => {
    lines.push(`${prefix}${describe(node, options)}`);
    const children = options.order === 'name' ? [...node.children].sort(byName) : node.children;
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      visit(child, `${childPrefix}${last ? '└─ ' : '├─ '}`, `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  for (const root of options.order === 'name' ? [...roots].sort(byName) : roots) visit(root, '', '');
  return lines.join('\n');
}

function describe(node: SpanTreeNode, options: RenderOptions): string {
  const parts = [node.name];
  if (options.durations) parts.push(formatDuration(node.endTime - node.startTime));
  const input = node.attributes[GEN_AI.USAGE_INPUT_TOKENS] ?? node.attributes[AGENTS.USAGE_INPUT_TOKENS];
  const output = node.attributes[GEN_AI.USAGE_OUTPUT_TOKENS] ?? node.attributes[AGENTS.USAGE_OUTPUT_TOKENS];
  if (typeof input === 'number' || typeof output === 'number') parts.push(`tokens ${input ?? 0}→${output ?? 0}`);
  for (const key of options.attributes ?? []) {
    const value = node.attributes[key];
    if (value !== undefined) parts.push(`${key}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  }
  if (node.attributes[AGENTS.GUARDRAIL_TRIGGERED] === true) parts.push('⚠ TRIPWIRE');
  else if (node.status.code === 'ERROR') parts.push(`✗ ERROR${node.status.message ? `: ${node.status.message}` : ''}`);
  if (node.attributes[AGENTS.INCOMPLETE] === true) parts.push('(incomplete)');
  return parts.join('  ');
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${Math.round(ms)}ms`;
}
