import { handoff, type Agent, type Handoff } from '@openai/agents';
import type { ScriptedRequest, ScriptedResponder, ScriptedStep, ScriptedToolCall } from './types.js';

/**
 * The tool call that hands off to `target`, named as the SDK names it (`transfer_to_Weather_agent`
 * for an agent named "Weather agent", or a handoff's own tool name).
 *
 * @example
 * ```ts
 * { toolCalls: [handoffTo(weatherAgent)] }
 * ```
 */
// `any`: an agent or handoff of any context and output type.
export function handoffTo(target: Agent<any, any> | Handoff<any, any>): ScriptedToolCall {
  return { name: 'toolName' in target ? target.toolName : handoff(target).toolName };
}

/** What an agent answers: a fixed step, or a responder that decides from the request. */
export type AgentRoute = ScriptedStep | ScriptedResponder;

const answerWith = (route: AgentRoute, request: ScriptedRequest) =>
  typeof route === 'function' ? route(request) : route;

/**
 * Routes each model request to the agent that sent it, recognised by its instructions (the
 * Responses `instructions`, or the Chat Completions system message).
 *
 * Each key is a piece of one agent's instructions; a request goes to the route whose key its
 * instructions contain, the longest such key when several do. A request no key matches goes to
 * `fallback`, or fails with a message naming the keys (a 500 the caller sees).
 *
 * Responders are stateless, so concurrent conversations each get their own answer.
 *
 * @example
 * ```ts
 * const script = byAgent({
 *   'You triage': { toolCalls: [handoffTo(weatherAgent)] },
 *   'You report the weather': (request) => {
 *     const report = request.toolCalls.find((call) => call.name === 'get_weather')?.output;
 *     return report === undefined
 *       ? { toolCalls: [{ name: 'get_weather', arguments: { city: request.lastUserText ?? '' } }] }
 *       : { text: `Forecast: ${report}` };
 *   },
 * });
 * ```
 */
export function byAgent(routes: Record<string, AgentRoute>, fallback?: AgentRoute): ScriptedResponder {
  const keys = Object.keys(routes).sort((a, b) => b.length - a.length);
  return (request) => {
    const instructions = request.instructions ?? '';
    const key = keys.find((candidate) => instructions.includes(candidate));
    if (key !== undefined) return answerWith(routes[key]!, request);
    if (fallback !== undefined) return answerWith(fallback, request);
    const preview = instructions.length > 80 ? `${instructions.slice(0, 80)}…` : instructions;
    throw new Error(`byAgent: no route matches the instructions ${JSON.stringify(preview)}; routes: ${keys.map((k) => JSON.stringify(k)).join(', ')}`);
  };
}
