/**
 * What MLflow's UI shows that the digest cannot cover: the `mlflow.*` attributes the exporter
 * adds (a span's inputs, outputs, type, token usage) and the trace's request and response
 * previews and token total, which MLflow computes from them. Each must follow from the covered
 * attributes; one that does not was edited, and `verify` fails on it. The exporter's own
 * mapping recomputes the span fields, so the check follows the exporter when it changes.
 */
import type { Attributes } from '@opentelemetry/api';
import { canonicalAttributeValue, isCoveredAttribute, type DerivedFieldMismatch, type FlatSpan } from '@agents-tracing/processor';
import { MLFLOW, summarizeForRoot, toMlflowAttributes, type MlflowTokenUsage, type TraceSummary } from '@agents-tracing/exporter-mlflow';

/** The trace-level fields MLflow shows in its trace list. */
export interface MlflowTraceFields {
  requestPreview?: string | undefined;
  responsePreview?: string | undefined;
  tokenUsage?: MlflowTokenUsage | undefined;
}

const SPAN_FIELDS = [MLFLOW.SPAN_INPUTS, MLFLOW.SPAN_OUTPUTS, MLFLOW.SPAN_TYPE, MLFLOW.TOKEN_USAGE] as const;
const TOKEN_KEYS = ['input_tokens', 'output_tokens', 'total_tokens'] as const;

const coveredAttributes = (span: FlatSpan): Attributes =>
  Object.fromEntries(Object.entries(span.attributes).filter(([key]) => isCoveredAttribute(key))) as Attributes;

export function mlflowDerivedMismatches(spans: readonly FlatSpan[], trace: MlflowTraceFields): DerivedFieldMismatch[] {
  const mismatches: DerivedFieldMismatch[] = [];
  const ids = new Set(spans.map((s) => s.spanId));
  const isRoot = (span: FlatSpan): boolean => span.parentSpanId === undefined || !ids.has(span.parentSpanId);
  // The exporter folds spans into their root's summary in the order they ended.
  let summary: TraceSummary | undefined;
  for (const span of [...spans].sort((a, b) => a.endTime - b.endTime)) {
    if (!isRoot(span)) summary = summarizeForRoot(summary, coveredAttributes(span), span.startTime, span.endTime);
  }
  // MLflow sums the usage of the model spans, or (as its GenAI translator also reads usage off
  // other spans) of every span that shows one: the total must be one of the two.
  const modelTokens = zeroTokens();
  const allTokens = zeroTokens();
  let anyTokens = false;
  const derivedInputs: string[] = [];
  const derivedOutputs: string[] = [];
  for (const span of spans) {
    const root = isRoot(span);
    const expected = toMlflowAttributes(coveredAttributes(span), span.name, root, root ? summary : undefined);
    for (const field of SPAN_FIELDS) {
      const stored = span.attributes[field];
      const derived = expected[field];
      if (stored === undefined && derived === undefined) continue;
      if (field === MLFLOW.TOKEN_USAGE && derived === undefined) {
        // Not the exporter's: MLflow's own, from the span's covered gen_ai.usage.* attributes.
        if (!sameTokens(parseObject(stored), usageFromGenAi(span))) mismatches.push({ spanId: span.spanId, spanName: span.name, field });
        continue;
      }
      if (stored === undefined || derived === undefined || canonicalAttributeValue(stored) !== canonicalAttributeValue(derived)) {
        mismatches.push({ spanId: span.spanId, spanName: span.name, field });
      }
    }
    const modelUsage = parseObject(expected[MLFLOW.TOKEN_USAGE]);
    if (modelUsage) addTokens(modelTokens, modelUsage);
    const shownUsage = modelUsage ?? (span.attributes[MLFLOW.TOKEN_USAGE] !== undefined ? usageFromGenAi(span) : undefined);
    if (shownUsage) {
      anyTokens = true;
      addTokens(allTokens, shownUsage);
    }
    if (root) {
      if (expected[MLFLOW.SPAN_INPUTS] !== undefined) derivedInputs.push(String(expected[MLFLOW.SPAN_INPUTS]));
      if (expected[MLFLOW.SPAN_OUTPUTS] !== undefined) derivedOutputs.push(String(expected[MLFLOW.SPAN_OUTPUTS]));
    }
  }
  if (!previewFollows(trace.requestPreview, derivedInputs)) mismatches.push({ field: 'request preview' });
  if (!previewFollows(trace.responsePreview, derivedOutputs)) mismatches.push({ field: 'response preview' });
  if (trace.tokenUsage !== undefined || anyTokens) {
    const shown = { ...zeroTokens(), ...trace.tokenUsage };
    if (!sameTokens(shown, modelTokens) && !sameTokens(shown, allTokens)) mismatches.push({ field: 'token usage total' });
  }
  return mismatches;
}

type Tokens = Record<(typeof TOKEN_KEYS)[number], number>;

const zeroTokens = (): Tokens => ({ input_tokens: 0, output_tokens: 0, total_tokens: 0 });

function addTokens(sum: Tokens, usage: Record<string, unknown>): void {
  for (const key of TOKEN_KEYS) sum[key] += typeof usage[key] === 'number' ? usage[key] : 0;
}

function sameTokens(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return TOKEN_KEYS.every((key) => (Number(a[key] ?? 0) || 0) === (Number(b[key] ?? 0) || 0));
}

/** Usage as MLflow reads it off a span's `gen_ai.usage.*` attributes. */
function usageFromGenAi(span: FlatSpan): Tokens | undefined {
  const input = Number(span.attributes['gen_ai.usage.input_tokens'] ?? Number.NaN);
  const output = Number(span.attributes['gen_ai.usage.output_tokens'] ?? Number.NaN);
  if (Number.isNaN(input) && Number.isNaN(output)) return undefined;
  const inputTokens = Number.isNaN(input) ? 0 : input;
  const outputTokens = Number.isNaN(output) ? 0 : output;
  return { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

/**
 * MLflow's preview is a piece of the root's inputs (outputs): the last user (assistant) message,
 * or the start of the JSON, cut at its length limit. It must be found there, whitespace aside.
 */
function previewFollows(preview: string | undefined, sources: readonly string[]): boolean {
  if (preview === undefined || preview === '') return true;
  const wanted = squeeze(preview.replace(/\.\.\.$/, ''));
  if (wanted === '') return true;
  return sources.some((source) => texts(source).some((text) => squeeze(text).includes(wanted)));
}

const squeeze = (text: string): string => text.replace(/\s+/g, '');

/** A JSON text, and every string inside it. */
function texts(json: string): string[] {
  const found = [json];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') found.push(value, ...texts(value).slice(1));
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  try {
    visit(JSON.parse(json) as unknown);
  } catch {
    // Plain text: the text itself is the candidate.
  }
  return found;
}

function parseObject(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
