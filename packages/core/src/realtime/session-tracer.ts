/**
 * Listens to a `RealtimeSession` and keeps the same tree a text run gets: the session is the
 * trace, each active agent an `agent` span (a handoff ends it and opens the next), each model
 * response a `turn` with a `response` span (messages, usage), tools `function` spans under the
 * turn that asked for them, tripped output guardrails `guardrail` spans. Everything open is
 * ended when the connection closes or drops.
 */
import { diag } from '@opentelemetry/api';
import type {
  AgentSpanData,
  FunctionSpanData,
  ResponseSpanData,
  SpanData,
  TracingProcessor,
  TurnSpanData,
} from '@openai/agents-core';
import { describeThrown } from '../content/bounded-json.js';
import { AudioTally, DEFAULT_AUDIO_FORMAT, audioFormatOf, base64Bytes, type AudioFormat } from './audio.js';
import { ConversationLog, responsesItem } from './conversation.js';
import type { RealtimeAgentLike, RealtimeSessionLike, ServerEvent } from './session-shape.js';
import { OpenSpan, SpanSink } from './span-sink.js';

export interface TraceRealtimeSessionOptions {
  /** The trace's name. Default: the session's `workflowName`, else `Realtime session`. */
  workflowName?: string;
  /** The conversation id (`gen_ai.conversation.id`). Default: the session's `groupId`. */
  groupId?: string;
  /** Trace metadata, added to the session's `traceMetadata`. */
  metadata?: Record<string, unknown>;
  /**
   * The processor to hand the session's spans to. Default: every processor registered with the
   * SDK (`addTraceProcessor`, `setTraceProcessors`), as for text runs.
   */
  processor?: TracingProcessor;
}

/** The trace of one realtime session. */
export interface RealtimeSessionTrace {
  /** The SDK trace id (`trace_<32 hex>`), or undefined when the SDK's tracing is turned off. */
  readonly traceId: string | undefined;
  /** Ends every open span and the trace now and stops listening; the session itself goes on. */
  end(): void;
}

export const DEFAULT_REALTIME_WORKFLOW_NAME = 'Realtime session';

/** Attributes and events the realtime tracer adds beside the mapped span data. */
export const REALTIME = {
  AUDIO_INPUT: 'openai.agents.realtime.audio.input',
  AUDIO_OUTPUT: 'openai.agents.realtime.audio.output',
  RESPONSE_ID: 'openai.agents.realtime.response_id',
  INTERRUPTION_EVENT: 'openai.agents.realtime.interruption',
} as const;

/** The reply the SDK's default tool error function gives the model in place of a thrown error. */
const SDK_TOOL_ERROR_REPLY = 'An error occurred while running the tool. Please try again.';
const SDK_TOOL_TIMEOUT_REPLY = /^Tool '.+' timed out after \d+ms\.$/;
const TOOL_ERROR_MESSAGE = 'Error running tool (non-fatal)';
const DROPPED_MESSAGE = 'realtime connection dropped';

type Loose = Record<string, unknown>;
const asRecord = (value: unknown): Loose | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const numberOf = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

interface AgentState {
  readonly agent: RealtimeAgentLike;
  readonly span: OpenSpan<AgentSpanData> | undefined;
  readonly turns: Set<TurnState>;
  /** Handed off: ends once its last turn has. */
  retiring: boolean;
}

interface TurnState {
  readonly responseId: string;
  readonly agent: AgentState;
  readonly turn: OpenSpan<TurnSpanData> | undefined;
  readonly response: OpenSpan<ResponseSpanData> | undefined;
  readonly inputIds: string[];
  readonly audioIn: AudioTally;
  readonly audioOut: AudioTally;
  readonly outputItemIds: Set<string>;
  /** Function calls the model asked for that no tool or handoff has taken up yet. */
  readonly awaitingCalls: Set<string>;
  readonly children: Set<OpenSpan>;
  /** Children that ended before the response span did, handed over right after it. */
  readonly deferredEnds: { span: OpenSpan; at: number }[];
  doneAt: number | undefined;
  responseFinished: boolean;
  lastChildEnd: number;
}

interface FunctionCall {
  name: string;
  responseId: string;
  at: number;
}

interface ToolCallDetails {
  toolCall?: { callId?: string; id?: string; responseId?: string; arguments?: string };
}

export class RealtimeSessionTracer implements RealtimeSessionTrace {
  readonly #session: RealtimeSessionLike;
  readonly #sink: SpanSink;
  readonly #conversation = new ConversationLog();
  readonly #agents = new Map<RealtimeAgentLike, AgentState>();
  readonly #turns = new Map<string, TurnState>();
  readonly #calls = new Map<string, FunctionCall>();
  readonly #tools = new Map<string, { span: OpenSpan<FunctionSpanData> | undefined; turn: TurnState | undefined }>();
  readonly #detachers: (() => void)[] = [];
  #current: AgentState | undefined;
  #turnCount = 0;
  #audioIn = new AudioTally();
  #sessionConfig: Loose = {};
  #closing = false;
  #finished = false;

  constructor(session: RealtimeSessionLike, options: TraceRealtimeSessionOptions = {}) {
    this.#session = session;
    const sessionOptions = session.options ?? {};
    const metadata = { ...(sessionOptions.traceMetadata ?? {}), ...(options.metadata ?? {}) };
    this.#sink = new SpanSink(
      {
        name: options.workflowName ?? sessionOptions.workflowName ?? DEFAULT_REALTIME_WORKFLOW_NAME,
        groupId: options.groupId ?? sessionOptions.groupId,
        metadata,
      },
      options.processor,
    );
    if (!this.#sink.enabled) return;
    this.#sink.startTrace();
    try {
      this.#current = this.#startAgent(session.currentAgent, Date.now());
      this.#listen();
    } catch (error) {
      // Not a session this tracer can follow: what was opened is closed, the app goes on.
      reportOnce('attaching to the session', error);
      this.#finish(false);
    }
  }

  get traceId(): string | undefined {
    return this.#sink.trace?.traceId;
  }

  end(): void {
    this.#finish(false);
  }

  #listen(): void {
    const session = this.#session;
    // Each listener states what its event passes; the emitter's own typing is per event.
    const on = <TArgs extends unknown[]>(type: string, listener: (...args: TArgs) => void): void => {
      const guarded = (...args: TArgs): void => this.#guard(type, () => listener(...args));
      session.on(type, guarded);
      this.#detachers.push(() => session.off(type, guarded));
    };
    on('transport_event', (event: ServerEvent) => this.#onServerEvent(event));
    on('agent_tool_start', (_c: unknown, agent: RealtimeAgentLike, tool: { name: string }, details: ToolCallDetails) =>
      this.#onToolStart(agent, tool.name, details),
    );
    on('agent_tool_end', (_c: unknown, _a: unknown, tool: { name: string }, result: string, details: ToolCallDetails) =>
      this.#onToolEnd(tool.name, result, details),
    );
    on('agent_handoff', (_c: unknown, from: RealtimeAgentLike, to: RealtimeAgentLike) => this.#onHandoff(from, to));
    on('guardrail_tripped', (_c: unknown, agent: RealtimeAgentLike, error: unknown, details: { itemId?: string }) =>
      this.#onGuardrailTripped(agent, error, details?.itemId),
    );
    on('audio_interrupted', () => this.#onInterrupted());
    on('error', (event: { error?: unknown }) => this.#onError(event?.error));

    const onConnection = (status: string): void =>
      this.#guard('connection_change', () => {
        if (status === 'disconnected') this.#finish(!this.#closing);
      });
    session.transport.on('connection_change', onConnection);
    this.#detachers.push(() => session.transport.off('connection_change', onConnection));

    // The session tells no one that the app closed it, nor how much audio the app sent: its own
    // methods are wrapped for that, and restored when the trace ends.
    this.#wrap('close', (original) => (...args: unknown[]) => {
      this.#closing = true;
      return original(...args);
    });
    this.#wrap('sendAudio', (original) => (...args: unknown[]) => {
      const audio = args[0];
      if (audio instanceof ArrayBuffer || ArrayBuffer.isView(audio)) this.#audioIn.add(audio.byteLength);
      return original(...args);
    });
  }

  #wrap(method: 'close' | 'sendAudio', wrapper: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown): void {
    const session = this.#session as unknown as Record<string, unknown>;
    const own = Object.getOwnPropertyDescriptor(session, method);
    const original = session[method];
    if (typeof original !== 'function') return;
    const wrapped = wrapper((...args: unknown[]) => (original as (...a: unknown[]) => unknown).apply(session, args));
    session[method] = wrapped;
    this.#detachers.push(() => {
      if (session[method] !== wrapped) return;
      if (own) Object.defineProperty(session, method, own);
      else delete session[method];
    });
  }

  /** A tracing problem never reaches the session: it is reported once and the session goes on. */
  #guard(site: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      reportOnce(site, error);
    }
  }

  #onServerEvent(event: ServerEvent): void {
    if (this.#finished || typeof event?.type !== 'string') return;
    this.#conversation.observe(event);
    const now = Date.now();
    switch (event.type) {
      case 'session.created':
      case 'session.updated':
        this.#sessionConfig = { ...this.#sessionConfig, ...asRecord(event.session) };
        break;
      case 'response.created':
        this.#startTurn(stringOf(asRecord(event.response)?.id) ?? `response_${this.#turnCount + 1}`, now);
        break;
      case 'response.output_item.added':
      case 'response.output_item.done':
        this.#onOutputItem(event, now);
        break;
      case 'response.output_audio.delta':
        this.#turns.get(stringOf(event.response_id) ?? '')?.audioOut.add(base64Bytes(stringOf(event.delta) ?? ''));
        break;
      case 'response.done':
        this.#onResponseDone(asRecord(event.response), now);
        break;
      case 'conversation.item.input_audio_transcription.completed':
      case 'conversation.item.input_audio_transcription.failed':
        for (const turn of [...this.#turns.values()]) this.#tryFinishResponse(turn, false);
        break;
      default:
        break;
    }
  }

  #startAgent(agent: RealtimeAgentLike, at: number): AgentState {
    const data: AgentSpanData = {
      type: 'agent',
      name: agent.name,
      handoffs: (agent.handoffs ?? []).map(handoffName).filter((n): n is string => n !== undefined),
      tools: (agent.tools ?? []).map((t) => t.name).filter((n): n is string => typeof n === 'string'),
      output_type: 'text',
    };
    const state: AgentState = { agent, span: this.#sink.startSpan(data, undefined, at), turns: new Set(), retiring: false };
    this.#agents.set(agent, state);
    return state;
  }

  #endAgent(state: AgentState, at: number): void {
    this.#agents.delete(state.agent);
    this.#sink.endSpan(state.span, at);
  }

  /** The open span of this agent; a session that switched agents without a handoff event gets one. */
  #agentState(agent: RealtimeAgentLike | undefined): AgentState {
    const known = agent ? this.#agents.get(agent) : undefined;
    if (known) return known;
    this.#current ??= this.#startAgent(this.#session.currentAgent, Date.now());
    return this.#current;
  }

  #startTurn(responseId: string, at: number): void {
    // A new response means the outputs of the calls before it were sent: earlier turns wait no more.
    for (const earlier of [...this.#turns.values()]) {
      earlier.awaitingCalls.clear();
      this.#maybeEndTurn(earlier);
    }
    const agent = this.#agentState(this.#session.currentAgent);
    this.#turnCount += 1;
    const turn = this.#sink.startSpan<TurnSpanData>({ type: 'turn', turn: this.#turnCount, agent_name: agent.agent.name }, agent.span, at);
    const response = this.#sink.startSpan<ResponseSpanData>({ type: 'response', response_id: responseId }, turn, at);
    const state: TurnState = {
      responseId,
      agent,
      turn,
      response,
      inputIds: this.#conversation.takeInput(),
      audioIn: this.#audioIn,
      audioOut: new AudioTally(),
      outputItemIds: new Set(),
      awaitingCalls: new Set(),
      children: new Set(),
      deferredEnds: [],
      doneAt: undefined,
      responseFinished: false,
      lastChildEnd: at,
    };
    this.#audioIn = new AudioTally();
    this.#turns.set(responseId, state);
    agent.turns.add(state);
  }

  #onOutputItem(event: ServerEvent, at: number): void {
    const responseId = stringOf(event.response_id) ?? '';
    const turn = this.#turns.get(responseId);
    const item = asRecord(event.item);
    const itemId = stringOf(item?.id);
    if (turn && itemId) turn.outputItemIds.add(itemId);
    const callId = stringOf(item?.call_id);
    if (event.type !== 'response.output_item.done' || item?.type !== 'function_call' || !callId) return;
    this.#calls.set(callId, { name: stringOf(item.name) ?? '', responseId, at });
    if (turn && !this.#tools.has(callId)) turn.awaitingCalls.add(callId);
  }

  #onResponseDone(response: Loose | undefined, at: number): void {
    const turn = this.#turns.get(stringOf(response?.id) ?? '');
    if (!turn || !response) return;
    turn.doneAt = at;
    const output = Array.isArray(response.output) ? response.output : [];
    const usage = asRecord(response.usage);
    const inputDetails = asRecord(usage?.input_token_details);
    const outputDetails = asRecord(usage?.output_token_details);
    const inputTokens = numberOf(usage?.input_tokens);
    const outputTokens = numberOf(usage?.output_tokens);
    const cached = numberOf(inputDetails?.cached_tokens);
    const config = this.#sessionConfig;
    const responseData: Loose = {
      id: turn.responseId,
      object: 'realtime.response',
      model: stringOf(config.model) ?? this.#session.options?.model ?? this.#session.transport.currentModel,
      status: stringOf(response.status) ?? 'completed',
      output: output.map(responsesItem).filter((item) => item !== undefined),
      ...(typeof config.instructions === 'string' ? { instructions: config.instructions } : {}),
      ...(Array.isArray(config.tools) && config.tools.length > 0 ? { tools: config.tools } : {}),
      ...(usage
        ? {
            usage: {
              input_tokens: inputTokens,
              output_tokens: outputTokens,
              total_tokens: numberOf(usage.total_tokens) || inputTokens + outputTokens,
              input_tokens_details: { cached_tokens: cached, ...inputDetails },
              output_tokens_details: { ...outputDetails },
            },
          }
        : {}),
    };
    if (turn.response) turn.response.data = { ...turn.response.data, _response: responseData };
    if (turn.turn && usage) {
      turn.turn.data = {
        ...turn.turn.data,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens, cached_input_tokens: cached, cache_write_input_tokens: 0 },
      };
    }
    if (responseData.status === 'failed' && turn.response) {
      const details = asRecord(response.status_details);
      const error = asRecord(details?.error);
      turn.response.error = { message: stringOf(error?.message) ?? 'realtime response failed', data: { ...details } };
    }
    this.#tryFinishResponse(turn, false);
  }

  /**
   * The response span ends when its input transcripts have arrived (the Realtime API may send
   * a transcript after the response it led to), or when the session ends.
   */
  #tryFinishResponse(turn: TurnState, force: boolean): void {
    if (turn.responseFinished) return;
    if (!force && (turn.doneAt === undefined || this.#conversation.transcribing(turn.inputIds))) return;
    const response = turn.response;
    if (response) {
      response.data = { ...response.data, _input: this.#conversation.input(turn.inputIds) };
      this.#sink.annotate(response, {
        ...turn.audioIn.attributes(REALTIME.AUDIO_INPUT, this.#format('input')),
        ...turn.audioOut.attributes(REALTIME.AUDIO_OUTPUT, this.#format('output')),
      });
    }
    const endedAt = turn.doneAt ?? Date.now();
    this.#sink.endSpan(response, endedAt);
    turn.responseFinished = true;
    turn.lastChildEnd = Math.max(turn.lastChildEnd, endedAt);
    for (const { span, at } of turn.deferredEnds.splice(0)) this.#sink.endSpan(span, at);
    this.#maybeEndTurn(turn);
  }

  #maybeEndTurn(turn: TurnState): void {
    if (!turn.responseFinished || turn.children.size > 0 || turn.awaitingCalls.size > 0) return;
    if (this.#turns.get(turn.responseId) !== turn) return;
    this.#turns.delete(turn.responseId);
    this.#sink.endSpan(turn.turn, turn.lastChildEnd);
    turn.agent.turns.delete(turn);
    if (turn.agent.retiring && turn.agent.turns.size === 0) this.#endAgent(turn.agent, turn.lastChildEnd);
  }

  /** A child of a turn: started under it, ended after the turn's response span. */
  #startChild<TData extends SpanData>(data: TData, turn: TurnState | undefined, agent: AgentState, at: number): OpenSpan<TData> | undefined {
    const span = this.#sink.startSpan(data, turn?.turn ?? agent.span, at);
    if (span && turn) turn.children.add(span);
    return span;
  }

  #endChild(span: OpenSpan | undefined, turn: TurnState | undefined, at: number): void {
    if (!span) return;
    if (!turn || !turn.children.delete(span)) {
      this.#sink.endSpan(span, at);
      return;
    }
    turn.lastChildEnd = Math.max(turn.lastChildEnd, at);
    if (turn.responseFinished) this.#sink.endSpan(span, at);
    else turn.deferredEnds.push({ span, at });
    this.#maybeEndTurn(turn);
  }

  /** The open turn a call or an output item belongs to. */
  #openTurn(responseId: string | undefined): TurnState | undefined {
    return responseId ? this.#turns.get(responseId) : undefined;
  }

  #onToolStart(agent: RealtimeAgentLike, name: string, details: ToolCallDetails): void {
    const call = details?.toolCall;
    const callId = call?.callId || call?.id || `${name}_${this.#tools.size}`;
    const turn = this.#openTurn(call?.responseId ?? this.#calls.get(callId)?.responseId);
    turn?.awaitingCalls.delete(callId);
    const span = this.#startChild<FunctionSpanData>(
      { type: 'function', name, input: call?.arguments ?? '', output: '' },
      turn,
      this.#agentState(agent),
      Date.now(),
    );
    this.#tools.set(callId, { span, turn });
  }

  #onToolEnd(name: string, result: unknown, details: ToolCallDetails): void {
    const call = details?.toolCall;
    const callId = call?.callId || call?.id || '';
    const tool = this.#tools.get(callId);
    if (!tool) return;
    this.#tools.delete(callId);
    const output = typeof result === 'string' ? result : describeThrown(result);
    if (tool.span) {
      tool.span.data = { ...tool.span.data, output };
      if (output === SDK_TOOL_ERROR_REPLY || SDK_TOOL_TIMEOUT_REPLY.test(output)) {
        tool.span.error = { message: TOOL_ERROR_MESSAGE, data: { tool_name: name, error: output } };
      }
    }
    this.#endChild(tool.span, tool.turn, Date.now());
  }

  #onHandoff(from: RealtimeAgentLike, to: RealtimeAgentLike): void {
    const now = Date.now();
    const source = this.#agentState(from);
    const functionTools = new Set((from.tools ?? []).map((t) => t.name));
    let turn: TurnState | undefined;
    let startedAt = now;
    for (const candidate of source.turns) {
      const callId = [...candidate.awaitingCalls].find((id) => !functionTools.has(this.#calls.get(id)?.name));
      if (callId === undefined) continue;
      turn = candidate;
      startedAt = this.#calls.get(callId)?.at ?? now;
      candidate.awaitingCalls.delete(callId);
      break;
    }
    const span = this.#startChild({ type: 'handoff', from_agent: from.name, to_agent: to.name }, turn, source, startedAt);
    this.#endChild(span, turn, now);
    source.retiring = true;
    this.#current = this.#agents.get(to) ?? this.#startAgent(to, now);
    if (source !== this.#current && source.turns.size === 0) this.#endAgent(source, now);
  }

  #onGuardrailTripped(agent: RealtimeAgentLike, error: unknown, itemId: string | undefined): void {
    const result = asRecord(asRecord(error)?.result);
    const name = stringOf(asRecord(result?.guardrail)?.name) ?? 'output guardrail';
    const turn = [...this.#turns.values()].find((t) => itemId !== undefined && t.outputItemIds.has(itemId));
    const now = Date.now();
    const span = this.#startChild({ type: 'guardrail', name, triggered: true }, turn, this.#agentState(agent), now);
    this.#endChild(span, turn, now);
  }

  #onInterrupted(): void {
    const agent = this.#agentState(this.#session.currentAgent);
    const turn = [...agent.turns].reverse().find((t) => !t.responseFinished);
    const at = Date.now();
    this.#sink.annotate(turn?.response ?? agent.span, {}, {
      name: REALTIME.INTERRUPTION_EVENT,
      at,
      attributes: turn ? { [REALTIME.RESPONSE_ID]: turn.responseId } : {},
    });
  }

  /** An error the session reports (from the server, the connection, or a tool) becomes an
   * error span where the conversation is at. */
  #onError(error: unknown): void {
    const { type, code, message } = describeRealtimeError(error);
    const agent = this.#agentState(this.#session.currentAgent);
    const turn = [...agent.turns].reverse()[0];
    const now = Date.now();
    const span = this.#startChild(
      { type: 'custom', name: `realtime error ${code ?? type}`, data: { type, ...(code ? { code } : {}) } },
      turn,
      agent,
      now,
    );
    if (span) span.error = { message, data: { type, ...(code ? { code } : {}) } };
    this.#endChild(span, turn, now);
  }

  #format(direction: 'input' | 'output'): AudioFormat {
    const audio = asRecord(asRecord(this.#sessionConfig.audio)?.[direction]);
    return audioFormatOf(audio?.format) ?? audioFormatOf(this.#sessionConfig[`${direction}_audio_format`]) ?? DEFAULT_AUDIO_FORMAT;
  }

  /** Ends everything still open, innermost first; a dropped connection marks the current agent
   * failed, which marks the session's root. */
  #finish(dropped: boolean): void {
    if (this.#finished || !this.#sink.enabled) return;
    this.#finished = true;
    const now = Date.now();
    for (const [callId, tool] of [...this.#tools]) {
      this.#tools.delete(callId);
      if (dropped && tool.span) tool.span.error = { message: `${DROPPED_MESSAGE} before the tool finished`, data: { tool_name: tool.span.data.name } };
      this.#endChild(tool.span, tool.turn, now);
    }
    for (const turn of [...this.#turns.values()]) {
      turn.awaitingCalls.clear();
      if (turn.doneAt === undefined) {
        // The server never finished this response: it ends here, failed if the connection dropped.
        const error = { message: `${DROPPED_MESSAGE} before the response was done` };
        this.#onResponseDone({ id: turn.responseId, status: dropped ? 'failed' : 'incomplete', status_details: dropped ? { error } : {} }, now);
      }
      this.#tryFinishResponse(turn, true);
      this.#maybeEndTurn(turn);
    }
    const agents = [...this.#agents.values()].sort((a, b) => Number(a === this.#current) - Number(b === this.#current));
    for (const state of agents) {
      if (dropped && state === this.#current && state.span) state.span.error = { message: DROPPED_MESSAGE, data: { agent: state.agent.name } };
      this.#endAgent(state, now);
    }
    this.#sink.endTrace();
    for (const detach of this.#detachers.splice(0)) detach();
  }
}

function handoffName(handoff: unknown): string | undefined {
  const rec = asRecord(handoff);
  return stringOf(rec?.agentName) ?? stringOf(rec?.name);
}

/** What an error event says, in the shapes the session passes on: a server `error` event, a
 * WebSocket error, or a thrown error. */
function describeRealtimeError(error: unknown): { type: string; code?: string; message: string } {
  const rec = asRecord(error);
  const serverError = asRecord(rec?.error);
  if (rec?.type === 'error' && serverError) {
    const code = stringOf(serverError.code);
    return {
      type: stringOf(serverError.type) ?? 'server_error',
      ...(code ? { code } : {}),
      message: stringOf(serverError.message) ?? 'the Realtime API reported an error',
    };
  }
  if (error instanceof Error) return { type: error.name || 'Error', message: error.message || error.name };
  const message = stringOf(rec?.message) ?? stringOf(asRecord(rec?.error)?.message);
  return { type: stringOf(rec?.type) ?? 'error', message: message ?? describeThrown(error) };
}

const reported = new Set<string>();
/** Through OpenTelemetry's `diag` logger, as the processor reports. */
function reportOnce(site: string, error: unknown): void {
  if (reported.has(site)) return;
  reported.add(site);
  diag.warn(`agents-tracing: realtime ${site} failed, the session goes on: ${describeThrown(error)}`);
}
