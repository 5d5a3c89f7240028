import { getCurrentSpan, type InputGuardrail } from '@openai/agents-core';

/** What a wrapped input guardrail was given, by its span's data, until the span is finished. */
const inputs = new WeakMap<object, unknown>();

/**
 * An input guardrail that also hands its input to the trace. The SDK gives a run's input to its
 * spans only through model calls, so a run an input guardrail stops records no input at all;
 * wrapped, the blocked prompt becomes the input of its agent and workflow spans.
 *
 * ```ts
 * const agent = new Agent({ name: 'Triage', inputGuardrails: [traceGuardrailInput(injectionGuardrail)] });
 * ```
 */
export function traceGuardrailInput<T extends InputGuardrail>(guardrail: T): T {
  return {
    ...guardrail,
    execute: (args) => {
      const span = getCurrentSpan();
      if (span?.spanData.type === 'guardrail') inputs.set(span.spanData, args.input);
      return guardrail.execute(args);
    },
  };
}

/** The input a wrapped guardrail saw, once; undefined for any other span. */
export function takeGuardrailInput(spanData: object): unknown {
  const input = inputs.get(spanData);
  inputs.delete(spanData);
  return input;
}
