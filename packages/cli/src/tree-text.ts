/** The `tree` command's text: a summary line, then the indented span tree. */
import { GEN_AI, renderSpanTree, walkSpanTree, type SpanTreeNode } from '@agents-tracing/processor';

export interface TraceSummary {
  spanCount: number;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
}

/** Token totals count model calls only, so agent and workflow sums are not counted twice. */
export function summarize(roots: readonly SpanTreeNode[]): TraceSummary {
  let spanCount = 0;
  let start = Infinity;
  let end = -Infinity;
  let inputTokens = 0;
  let outputTokens = 0;
  let errors = 0;
  for (const { node } of walkSpanTree(roots)) {
    spanCount += 1;
    start = Math.min(start, node.startTime);
    end = Math.max(end, node.endTime);
    if (node.status.code === 'ERROR') errors += 1;
    if (node.attributes[GEN_AI.OPERATION_NAME] === 'chat') {
      inputTokens += Number(node.attributes[GEN_AI.USAGE_INPUT_TOKENS] ?? 0);
      outputTokens += Number(node.attributes[GEN_AI.USAGE_OUTPUT_TOKENS] ?? 0);
    }
  }
  return { spanCount, durationMs: spanCount === 0 ? 0 : end - start, inputTokens, outputTokens, errors };
}

export function formatTree(traceId: string, roots: readonly SpanTreeNode[]): string {
  const s = summarize(roots);
  const header = `trace ${traceId}  ${s.spanCount} spans  ${Math.round(s.durationMs)}ms  tokens ${s.inputTokens}→${s.outputTokens}${s.errors > 0 ? `  ${s.errors} with errors` : ''}`;
  return `${header}\n${renderSpanTree(roots, { durations: true })}`;
}
