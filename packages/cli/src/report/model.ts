/** What the HTML report shows, computed once on the command side so the page only draws it. */
import {
  AGENTS,
  GEN_AI,
  walkSpanTree,
  type AttributeValue,
  type SpanTreeNode,
  type VerificationReport,
} from '@agents-tracing/processor';
import { summarize, type TraceSummary } from '../tree-text.js';

export interface ReportSpan {
  id: string;
  parentId: string | null;
  name: string;
  depth: number;
  hasChildren: boolean;
  kind: string;
  /** The SDK span type (`agent`, `function`, …), for colour. */
  type: string;
  /** Milliseconds from the trace's start. */
  offset: number;
  duration: number;
  status: { code: string; message?: string };
  error: boolean;
  tripwire: boolean;
  incomplete: boolean;
  tokens: { input: number; output: number } | null;
  audit: 'changed' | 'extra' | null;
  attributes: Record<string, AttributeValue>;
  events: { name: string; offset: number; attributes: Record<string, AttributeValue> }[];
}

export interface ReportVerification {
  verdict: VerificationReport['verdict'];
  text: string;
  missing: string[];
}

export interface ReportData {
  traceId: string;
  title: string;
  /** Milliseconds since the epoch. */
  startTime: number;
  summary: TraceSummary;
  spans: ReportSpan[];
  verification: ReportVerification | null;
}

function tokensOf(node: SpanTreeNode): ReportSpan['tokens'] {
  const input = node.attributes[GEN_AI.USAGE_INPUT_TOKENS] ?? node.attributes[AGENTS.USAGE_INPUT_TOKENS];
  const output = node.attributes[GEN_AI.USAGE_OUTPUT_TOKENS] ?? node.attributes[AGENTS.USAGE_OUTPUT_TOKENS];
  if (typeof input !== 'number' && typeof output !== 'number') return null;
  return { input: Number(input ?? 0), output: Number(output ?? 0) };
}

export function reportData(
  traceId: string,
  roots: readonly SpanTreeNode[],
  verification: { report: VerificationReport; text: string } | undefined,
): ReportData {
  const nodes = [...walkSpanTree(roots)];
  const startTime = Math.min(...nodes.map(({ node }) => node.startTime));
  const changed = new Set(verification?.report.changed.map((s) => s.spanId));
  const extra = new Set(verification?.report.extra.map((s) => s.spanId));
  const spans = nodes.map(({ node, depth }): ReportSpan => ({
    id: node.spanId,
    parentId: node.parentSpanId ?? null,
    name: node.name,
    depth,
    hasChildren: node.children.length > 0,
    kind: node.kind,
    type: String(node.attributes[AGENTS.SPAN_TYPE] ?? (depth === 0 ? 'trace' : 'other')),
    offset: node.startTime - startTime,
    duration: node.endTime - node.startTime,
    status: node.status,
    error: node.status.code === 'ERROR',
    tripwire: node.attributes[AGENTS.GUARDRAIL_TRIGGERED] === true || node.attributes[AGENTS.GUARDRAIL_TRIGGERED] === 'true',
    incomplete: node.attributes[AGENTS.INCOMPLETE] === true,
    tokens: tokensOf(node),
    audit: changed.has(node.spanId) ? 'changed' : extra.has(node.spanId) ? 'extra' : null,
    attributes: node.attributes,
    events: node.events.map((e) => ({ name: e.name, offset: e.time - startTime, attributes: e.attributes })),
  }));
  return {
    traceId,
    title: roots[0]?.name ?? traceId,
    startTime,
    summary: summarize(roots),
    spans,
    verification: verification
      ? {
          verdict: verification.report.verdict,
          text: verification.text,
          missing: verification.report.missing.map((m) => m.spanId),
        }
      : null,
  };
}
