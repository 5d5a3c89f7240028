import { OpenAIResponsesModel, type ModelRequest } from '@openai/agents';
import OpenAI from 'openai';
import { nextStep, type AgentPlan } from './plan.js';

/** Never contacted: `_fetchResponse` answers in process. */
const UNUSED_CLIENT = new OpenAI({ apiKey: 'bench', baseURL: 'http://127.0.0.1:9/v1' });

let sequence = 0;
const nextId = (prefix: string): string => `${prefix}${(++sequence).toString(16).padStart(24, '0')}`;

function calledNames(input: ModelRequest['input']): Set<string> {
  const names = new Set<string>();
  if (typeof input === 'string') return names;
  for (const item of input) {
    if (item.type === 'function_call') names.add(item.name);
  }
  return names;
}

/**
 * The SDK's real Responses model with the network taken out: only the HTTP call is replaced, by a
 * scripted answer built at once. Everything else is the SDK's own code: the request is built, the
 * `response` span is opened and filled (`_input`, `_response`, `response_id`) by
 * `OpenAIResponsesModel.getResponse`, and the answer is converted as a real one would be.
 */
export class InProcessResponsesModel extends OpenAIResponsesModel {
  readonly #plan: AgentPlan;

  constructor(plan: AgentPlan, model = 'bench-model') {
    super(UNUSED_CLIENT, model);
    this.#plan = plan;
  }

  protected override async _fetchResponse(request: ModelRequest): Promise<OpenAI.Responses.Response> {
    // Built as the real call builds it (the input converted to the API's items), then not sent.
    const { requestData } = this._buildResponsesCreateRequest(request, false);
    const step = nextStep(this.#plan, calledNames(request.input));
    const output =
      'text' in step
        ? [
            {
              type: 'message',
              id: nextId('msg_'),
              status: 'completed',
              role: 'assistant',
              content: [{ type: 'output_text', text: step.text, annotations: [], logprobs: [] }],
            },
          ]
        : step.calls.map((call) => ({
            type: 'function_call',
            id: nextId('fc_'),
            call_id: nextId('call_'),
            name: call.name,
            arguments: JSON.stringify(call.arguments),
            status: 'completed',
          }));
    const { inputTokens, outputTokens } = this.#plan.usage;
    const response = {
      id: nextId('resp_'),
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: 'completed',
      error: null,
      incomplete_details: null,
      instructions: requestData.instructions ?? null,
      metadata: {},
      model: this._model,
      output,
      parallel_tool_calls: requestData.parallel_tool_calls ?? true,
      previous_response_id: null,
      temperature: requestData.temperature ?? 1,
      tool_choice: requestData.tool_choice ?? 'auto',
      tools: requestData.tools ?? [],
      top_p: requestData.top_p ?? 1,
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
    };
    // The fields the SDK and the tracers read are all here; the rest of the API type is optional
    // metadata a scripted answer has no values for.
    return response as unknown as OpenAI.Responses.Response;
  }
}
