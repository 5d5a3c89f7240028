import type { Script, ScriptedRequest, ScriptedStep } from './types.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a step from a script or responder, so a typo fails with a clear message rather than an odd answer. */
export function validateStep(step: unknown): ScriptedStep {
  if (!isObject(step)) throw new Error(`a step must be an object, got ${JSON.stringify(step)}`);
  const { delayMs } = step;
  if (delayMs !== undefined && !(typeof delayMs === 'number' && delayMs >= 0 && Number.isFinite(delayMs))) {
    throw new Error(`delayMs must be a non-negative number, got ${JSON.stringify(delayMs)}`);
  }
  if ('error' in step) {
    const { error } = step;
    if (!isObject(error) || !Number.isInteger(error.status) || typeof error.message !== 'string') {
      throw new Error(`an error step needs { status: number, message: string }, got ${JSON.stringify(error)}`);
    }
    const status = error.status as number;
    if (status < 400 || status > 599) throw new Error(`an error step needs a 4xx or 5xx status, got ${status}`);
    return step as ScriptedStep;
  }
  const { text, toolCalls } = step;
  if (text !== undefined && typeof text !== 'string') throw new Error(`text must be a string, got ${JSON.stringify(text)}`);
  if (toolCalls !== undefined) {
    if (!Array.isArray(toolCalls)) throw new Error(`toolCalls must be an array, got ${JSON.stringify(toolCalls)}`);
    for (const call of toolCalls) {
      if (!isObject(call) || typeof call.name !== 'string' || call.name === '') {
        throw new Error(`each tool call needs a name, got ${JSON.stringify(call)}`);
      }
    }
  }
  if (text === undefined && (!Array.isArray(toolCalls) || toolCalls.length === 0)) {
    throw new Error(`a step needs text, toolCalls or error, got ${JSON.stringify(step)}`);
  }
  return step as ScriptedStep;
}

/** Plays a script: steps in arrival order, or whatever the responder decides. */
export class ScriptPlayer {
  #script: Script;
  #next = 0;

  constructor(script: Script) {
    this.#script = script;
  }

  reset(script: Script = this.#script): void {
    this.#script = script;
    this.#next = 0;
  }

  /** Picks the step synchronously for a step list, so concurrent requests take steps in arrival order. */
  async stepFor(request: ScriptedRequest): Promise<ScriptedStep> {
    const script = this.#script;
    if (typeof script === 'function') return validateStep(await script(request));
    const position = this.#next;
    this.#next += 1;
    if (position >= script.length) {
      throw new Error(`the script has only ${script.length} step(s)`);
    }
    return validateStep(script[position]);
  }
}
