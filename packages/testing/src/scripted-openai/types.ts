/** Which OpenAI API a request came through. */
export type ScriptedApi = 'responses' | 'chat_completions';

/** A function call the scripted model makes (a tool call, or a handoff: `transfer_to_<agent>`). */
export interface ScriptedToolCall {
  name: string;
  /** An object (sent as JSON) or a JSON string sent unchanged. Defaults to `{}`. */
  arguments?: Record<string, unknown> | string;
  /** Defaults to a generated `call_…` id, unique within the server. */
  callId?: string;
}

/** Token counts to report. Missing counts are derived from the text lengths (about 4 characters a token). */
export interface ScriptedUsage {
  inputTokens?: number;
  outputTokens?: number;
  /** Defaults to input + output. */
  totalTokens?: number;
  /** Cached input tokens (`input_tokens_details.cached_tokens` / `prompt_tokens_details.cached_tokens`). Defaults to 0. */
  cachedTokens?: number;
  /** Reasoning output tokens (`output_tokens_details.reasoning_tokens`). Defaults to 0. */
  reasoningTokens?: number;
}

/** A successful model turn: some text, some tool calls, or both. */
export type ScriptedReply = (
  | { text: string; toolCalls?: ScriptedToolCall[] }
  | { text?: string; toolCalls: ScriptedToolCall[] }
) & {
  /** Several tool calls in one turn are allowed; they are returned in this order, after the text. */
  toolCalls?: ScriptedToolCall[];
  usage?: ScriptedUsage;
  /** Wait this long before answering. */
  delayMs?: number;
};

/** A failed model request, answered with `status` and an OpenAI-shaped error body. */
export interface ScriptedFailure {
  error: {
    status: number;
    message: string;
    /** Defaults to `server_error` for a 5xx status and `invalid_request_error` otherwise. */
    type?: string;
    code?: string;
    /**
     * Let the `openai` client retry this error (at once, without back-off); the retry gets the next
     * step. Off by default: the error reaches the caller at once, whatever its status.
     */
    retryable?: boolean;
  };
  /** Wait this long before answering. */
  delayMs?: number;
}

/** What the scripted model answers to one request. */
export type ScriptedStep = ScriptedReply | ScriptedFailure;

/** One entry of the conversation a request carries, the same for both APIs. */
export type ConversationEntry =
  | { type: 'message'; role: 'system' | 'developer' | 'user' | 'assistant'; text: string }
  | { type: 'tool_call'; callId: string; name: string; arguments: string }
  | { type: 'tool_output'; callId: string; output: string };

/** A tool call the model made earlier in the conversation, with its output once the caller sent it. */
export interface ConversationToolCall {
  callId: string;
  name: string;
  /** The arguments as the JSON string the model sent. */
  arguments: string;
  output: string | undefined;
}

/** A model request as the server received it, parsed so a responder can route on it. */
export interface ScriptedRequest {
  /** Arrival order on this server (0 for the first request since start or `reset()`). */
  index: number;
  api: ScriptedApi;
  model: string;
  stream: boolean;
  /**
   * The agent's instructions: the Responses `instructions`, or the system/developer messages that
   * open a Chat Completions request.
   */
  instructions: string | undefined;
  /** The conversation so far (without the instructions). */
  conversation: ConversationEntry[];
  /** Names of the tools offered (function tools and handoffs by name, hosted tools by type). */
  toolNames: string[];
  /** Text of the latest user message. */
  lastUserText: string | undefined;
  /** Tool calls made so far in the conversation, in order, each with its output if it has one. */
  toolCalls: ConversationToolCall[];
  /** Tool outputs so far, by call id. */
  toolOutputs: Record<string, string>;
  /** True when the conversation holds nothing from the model yet (no assistant message, tool call or output). */
  isFirstRequest: boolean;
  /** The JSON body as sent. */
  body: Record<string, unknown>;
}

/** Decides the answer to one request. May be async; a throw becomes a 500 answer. */
export type ScriptedResponder = (request: ScriptedRequest) => ScriptedStep | Promise<ScriptedStep>;

/** Steps played in order (one per model request), or a responder that decides from each request. */
export type Script = readonly ScriptedStep[] | ScriptedResponder;

export interface ScriptedOpenAIOptions {
  /** Port to listen on; a free one by default. */
  port?: number;
}

/** A running scripted server. */
export interface ScriptedOpenAI {
  /** `http://127.0.0.1:PORT/v1`: pass it as the `openai` client's `baseURL`. */
  readonly baseURL: string;
  readonly port: number;
  /** Model requests received since start or the last `reset()`, in arrival order. */
  readonly requests: readonly ScriptedRequest[];
  /** Forget the requests received and play the script (or a new one) from its first step. */
  reset(script?: Script): void;
  /** Stop the server, dropping open (keep-alive or streaming) connections. */
  close(): Promise<void>;
}
