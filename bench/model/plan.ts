/**
 * What a scripted agent answers, independent of how the answer reaches the SDK (in process or
 * over HTTP). An agent works through its steps in order; a step is done once every call it makes
 * appears in the conversation, so the answer depends only on the request, never on hidden state.
 */

export interface PlannedCall {
  name: string;
  arguments: Record<string, unknown>;
}

export type PlannedStep = { calls: readonly PlannedCall[] } | { text: string };

export interface AgentPlan {
  /** Tool calls made in order, then the final text. */
  steps: readonly PlannedStep[];
  usage: { inputTokens: number; outputTokens: number };
}

/** The first step whose calls are not all in the conversation yet; the last step once all are. */
export function nextStep(plan: AgentPlan, calledNames: ReadonlySet<string>): PlannedStep {
  for (const step of plan.steps) {
    if ('text' in step) return step;
    if (!step.calls.every((call) => calledNames.has(call.name))) return step;
  }
  const last = plan.steps[plan.steps.length - 1];
  if (last === undefined) throw new Error('an agent plan needs at least one step');
  return last;
}
