/**
 * Sends one evaluation result into its trace over OTLP, through the OTLP exporter (its
 * OTEL_EXPORTER_OTLP_* settings, protocols and retries), from any process.
 */
import { randomBytes } from 'node:crypto';
import { ExportResultCode } from '@opentelemetry/core';
import { createOtlpSpanExporter, type Env, type OtlpExporterOptions } from '@agents-tracing/exporter-otlp';
import { evaluationSpan, type EvaluationResultFields } from './evaluation-span.js';

/** The evaluation result could not be delivered over OTLP. */
export class OtlpFeedbackError extends Error {
  override name = 'OtlpFeedbackError';
}

export interface OtlpFeedbackOptions {
  otlp: OtlpExporterOptions;
  env: Env;
  retryForMillis: number;
}

/** Exports the result's span and resolves with its span id once the backend accepted it. */
export async function sendEvaluationOverOtlp(
  traceHex: string,
  parentSpanId: string | undefined,
  fields: EvaluationResultFields,
  options: OtlpFeedbackOptions,
): Promise<string> {
  const spanId = randomSpanId();
  const span = evaluationSpan(traceHex, parentSpanId, fields, { spanId, now: Date.now(), serviceName: options.env.OTEL_SERVICE_NAME });
  const exporter = createOtlpSpanExporter(
    { ...options.otlp, retry: options.otlp.retry ?? { maxElapsedMillis: options.retryForMillis } },
    options.env,
  );
  try {
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => exporter.export([span], resolve));
    if (result.code !== ExportResultCode.SUCCESS) {
      throw new OtlpFeedbackError(`feedback "${fields.name}" on trace ${traceHex} was not sent over OTLP: ${result.error?.message ?? 'the export failed'}`);
    }
    return spanId;
  } finally {
    await exporter.shutdown();
  }
}

function randomSpanId(): string {
  for (;;) {
    const hex = randomBytes(8).toString('hex');
    if (/[^0]/.test(hex)) return hex;
  }
}
