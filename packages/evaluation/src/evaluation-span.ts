/**
 * Feedback in the OpenTelemetry GenAI conventions' form: a `gen_ai.evaluation.result` event with
 * `gen_ai.evaluation.name`, `.score.value`, `.score.label` and `.explanation`. Trace stores such
 * as Jaeger keep spans only, so the event rides on a short span of its own inside the judged
 * trace, parented to the judged span (or the trace's workflow span), with the same attributes on
 * the span so a search by tag finds it. Pure.
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { OtlpSpanExporter } from '@agents-tracing/exporter-otlp';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { AGENTS, GEN_AI, GEN_AI_EVALUATION_RESULT_EVENT, rootSpanIdFor } from '@agents-tracing/processor';
import { numericValue, type AssessmentValue } from './assessment-value.js';
import { scrubSecrets } from './secret-scrub.js';

const SCOPE = { name: '@agents-tracing/evaluation' };
const DEFAULT_SERVICE_NAME = 'agents-app';
const MAX_LABEL_CHARS = 1000;
type ReadableSpan = Parameters<OtlpSpanExporter['export']>[0][number];

const SPAN_KIND_INTERNAL = 0;
const TRACE_FLAGS_SAMPLED = 1;
const STATUS_UNSET = 0;

export interface EvaluationResultFields {
  name: string;
  value: AssessmentValue;
  rationale?: string;
  source: { type: string; id: string };
}

/** The score and label the conventions ask for: numbers score, text labels, booleans both. */
export function scoreAndLabel(value: AssessmentValue): { score?: number; label?: string } {
  if (typeof value === 'number') return { score: value };
  if (typeof value === 'boolean') return { score: value ? 1 : 0, label: String(value) };
  const label = typeof value === 'string' ? value : JSON.stringify(value);
  const score = numericValue(value);
  return { ...(score === undefined ? {} : { score }), label: label.slice(0, MAX_LABEL_CHARS) };
}

export function evaluationAttributes(fields: EvaluationResultFields): Attributes {
  const { score, label } = scoreAndLabel(fields.value);
  return {
    [GEN_AI.EVALUATION_NAME]: fields.name,
    ...(score === undefined ? {} : { [GEN_AI.EVALUATION_SCORE_VALUE]: score }),
    ...(label === undefined ? {} : { [GEN_AI.EVALUATION_SCORE_LABEL]: scrubSecrets(label) }),
    ...(fields.rationale ? { [GEN_AI.EVALUATION_EXPLANATION]: scrubSecrets(fields.rationale) } : {}),
    [AGENTS.EVALUATION_SOURCE_TYPE]: fields.source.type,
    [AGENTS.EVALUATION_SOURCE_ID]: fields.source.id,
  };
}

/**
 * The span carrying one evaluation result in trace `traceHex`: its parent is `parentSpanId`, else
 * the workflow span our processor gave that trace.
 */
export function evaluationSpan(
  traceHex: string,
  parentSpanId: string | undefined,
  fields: EvaluationResultFields,
  options: { spanId: string; now: number; serviceName: string | undefined },
): ReadableSpan {
  const attributes = evaluationAttributes(fields);
  const time: HrTime = [Math.floor(options.now / 1000), (options.now % 1000) * 1_000_000];
  const parent = parentSpanId ?? rootSpanIdFor(traceHex);
  return {
    name: `evaluation ${fields.name}`,
    kind: SPAN_KIND_INTERNAL,
    spanContext: () => ({ traceId: traceHex, spanId: options.spanId, traceFlags: TRACE_FLAGS_SAMPLED }),
    parentSpanContext: { traceId: traceHex, spanId: parent, traceFlags: TRACE_FLAGS_SAMPLED, isRemote: true },
    startTime: time,
    endTime: time,
    duration: [0, 0],
    status: { code: STATUS_UNSET },
    attributes,
    links: [],
    events: [{ name: GEN_AI_EVALUATION_RESULT_EVENT, time, attributes }],
    ended: true,
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName ?? DEFAULT_SERVICE_NAME }),
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
