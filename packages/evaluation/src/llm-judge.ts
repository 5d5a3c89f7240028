/**
 * An LLM-as-judge scorer: asks a model, through the `openai` client, whether an answer meets the
 * criteria, and turns its verdict into a pass / fail score with the model's reason.
 */
import type { AgentRun } from './agent-run.js';
import { scorer, type Scorer } from './scorers.js';

/** The part of the `openai` client the judge uses. */
export interface ChatCompletionsClient {
  chat: {
    completions: {
      create(request: {
        model: string;
        messages: { role: 'system' | 'user'; content: string }[];
        temperature?: number;
      }): Promise<{ choices: { message: { content: string | null } }[] }>;
    };
  };
}

export interface LlmJudgeOptions {
  /** Names the score. Default "llm_judge". */
  name?: string;
  /** An `openai` client (`new OpenAI()`), or anything with the same chat completions call. */
  client: ChatCompletionsClient;
  model: string;
  /** What a good answer does, e.g. "Answers the question and cites the refund policy." */
  criteria: string;
}

const SYSTEM = [
  'You are a strict evaluator of an AI agent.',
  'Given the user input, the agent output, the expected answer if any, and the criteria,',
  'answer with JSON only: {"pass": true|false, "rationale": "<one sentence>"}.',
].join(' ');

export function llmJudge(options: LlmJudgeOptions): Scorer {
  const name = options.name ?? 'llm_judge';
  const source = { type: 'LLM_JUDGE' as const, id: options.model };
  return scorer(name, async (run: AgentRun) => {
    const prompt = JSON.stringify({
      criteria: options.criteria,
      input: run.inputs,
      output: run.outputs ?? null,
      expected: Object.keys(run.expectations).length > 0 ? run.expectations : null,
    });
    const response = await options.client.chat.completions.create({
      model: options.model,
      temperature: 0,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: prompt },
      ],
    });
    const text = response.choices[0]?.message.content ?? '';
    const verdict = parseVerdict(text);
    return {
      name,
      value: verdict.pass,
      rationale: verdict.rationale,
      source,
    };
  }, source);
}

function parseVerdict(text: string): { pass: boolean; rationale: string } {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (json) {
    try {
      const parsed = JSON.parse(json) as { pass?: unknown; rationale?: unknown };
      if (typeof parsed.pass === 'boolean') {
        return { pass: parsed.pass, rationale: typeof parsed.rationale === 'string' ? parsed.rationale : '' };
      }
    } catch {
      // Falls through to the error below: the judge did not answer in the asked form.
    }
  }
  throw new Error(`the judge model did not answer with {"pass": true|false, "rationale": …}: ${JSON.stringify(text.slice(0, 200))}`);
}
