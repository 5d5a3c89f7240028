import {
  context as otelContext,
  diag,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace as otelTrace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { Span as SdkSpan, SpanData, Trace, TracingProcessor } from '@openai/agents-core';
import { setTracingContextStorage } from '@openai/agents-core';
import { ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_TYPE } from '@opentelemetry/semantic-conventions';
import { AGENTS, ATTR_ERROR_TYPE } from './attributes.js';
import {
  digestAttributes,
  resolveAuditSettings,
  spanLeaf,
  type AuditOption,
  type AuditSettings,
  type SpanLeaf,
} from './audit/index.js';
import { describeThrown } from './content/bounded-json.js';
import { ContentEncoder, type ContentOptions } from './content/encoder.js';
import { contentSettingsFromEnv } from './content/settings.js';
import {
  hasActiveContextManager,
  openTelemetryContextStorage,
  registerSpanLookup,
} from './context/otel-context-storage.js';
import { takeGuardrailInput } from './guardrail-input.js';
import { otelSpanIdFromSdk, otelTraceIdFromSdk, rootSpanIdFor, withParkedIds } from './ids.js';
import { GenAiMetrics, type MetricsOption } from './metrics/index.js';
import { flatSpanFromReadable, type ReadableSpanLike } from './tree/readable-span.js';
import {
  DEFAULT_WORKFLOW_NAME,
  errorTypeFor,
  mapSpanData,
  mapTrace,
  modelExchange,
  responsesMessages,
  SpanAttributes,
  spanKindFor,
  startName,
  type DerivedContent,
} from './mapping/index.js';
import {
  ancestorHasName,
  claimToolCall,
  isTraceState,
  recordAgentResult,
  recordBlockedInput,
  recordModelExchange,
  type OpenSpan,
  type TraceState,
} from './span-registry.js';

export interface OpenTelemetryTracingProcessorOptions extends ContentOptions {
  /** Where spans are created. Default: the globally registered tracer provider. */
  tracerProvider?: TracerProvider;
  /**
   * Make spans that application code creates inside a tool (a database call, an HTTP call) nest
   * under that tool's span, by giving the SDK a context store backed by OpenTelemetry's context.
   * `'auto'` (default) does so when a context manager is registered (NodeSDK or
   * `provider.register()`) at the time the processor is created.
   */
  nestToolSpans?: boolean | 'auto';
  /** Spans kept open at most; past it the oldest open span is closed as incomplete. Default 10,000. */
  maxOpenSpans?: number;
  /** A trace whose runs have all ended but that the SDK never ends is closed after this long. Default 60 s. */
  idleTraceTimeoutMs?: number;
  /** Called by `shutdown()` after open spans are closed, e.g. to shut down a provider you own. */
  onShutdown?: () => Promise<void>;
  /**
   * Put a tamper-evident digest of every span of a trace on its root span: `true`, or
   * `{ key, keyId }` for HMAC-SHA256. Default: on when `AGENTS_TRACING_AUDIT_KEY` is set.
   * Needs the OpenTelemetry SDK's spans (any `@opentelemetry/sdk-trace-*` provider).
   */
  audit?: AuditOption;
  /**
   * GenAI metrics (tokens, durations, tool errors, guardrail trips, handoffs) through
   * `@opentelemetry/api`'s metrics API: `false` to turn them off, or options. Default: on, into the
   * global meter provider (a no-op until an app or `setupAgentTracing()` registers one).
   */
  metrics?: MetricsOption;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** A span or trace the SDK has ended, waiting to be finished off the hot path. */
type PendingWork = { open: OpenSpan; span: SdkSpan<SpanData>; endTime: number } | { state: TraceState };
const TRACER_NAME = '@agents-tracing/processor';
const TRIPWIRE_MESSAGE = 'guardrail tripwire triggered';
const FAILED_RUN_MESSAGE = 'agent run failed';

/**
 * An OpenAI Agents SDK `TracingProcessor` that turns every SDK span into an OpenTelemetry span,
 * nested as the SDK nests them. Register it once: `addTraceProcessor(new
 * OpenTelemetryTracingProcessor())`.
 *
 * Callbacks never throw into the SDK: a failure is reported once through OpenTelemetry's `diag`
 * logger and the agent run goes on.
 */
export class OpenTelemetryTracingProcessor implements TracingProcessor {
  readonly #tracer: Tracer;
  readonly #provider: TracerProvider;
  readonly #encoder: ContentEncoder;
  readonly #spans = new Map<string, OpenSpan>();
  readonly #traces = new Map<string, TraceState>();
  readonly #idleTimers = new Map<string, NodeJS.Timeout>();
  readonly #maxOpenSpans: number;
  readonly #idleTraceTimeoutMs: number;
  readonly #onShutdown: (() => Promise<void>) | undefined;
  readonly #unregisterLookup: () => void;
  readonly #reported = new Set<string>();
  readonly #ownsContextStorage: boolean;
  readonly #audit: AuditSettings;
  readonly #metrics: GenAiMetrics | undefined;
  readonly #pending: PendingWork[] = [];
  /** Traces whose last open run ended: they get an idle timer unless they end first. */
  readonly #maybeIdle: TraceState[] = [];
  #drainScheduled = false;
  #shutDown = false;

  constructor(options: OpenTelemetryTracingProcessorOptions = {}) {
    this.#provider = options.tracerProvider ?? otelTrace.getTracerProvider();
    this.#tracer = this.#provider.getTracer(TRACER_NAME);
    const fromEnv = contentSettingsFromEnv(process.env);
    this.#encoder = new ContentEncoder({
      ...options,
      captureContent: (options.captureContent ?? true) && fromEnv.captureContent !== false,
      excludedAttributes: new Set([...(options.excludedAttributes ?? []), ...fromEnv.excludedAttributes]),
    });
    this.#maxOpenSpans = Math.max(1, options.maxOpenSpans ?? 10_000);
    this.#idleTraceTimeoutMs = options.idleTraceTimeoutMs ?? 60_000;
    this.#onShutdown = options.onShutdown;
    this.#audit = resolveAuditSettings(options.audit, process.env);
    this.#metrics = GenAiMetrics.fromOption(options.metrics);
    this.#unregisterLookup = registerSpanLookup((traceId, spanId) => this.#lookup(traceId, spanId));
    const nest = options.nestToolSpans ?? 'auto';
    this.#ownsContextStorage = nest === true || (nest === 'auto' && hasActiveContextManager());
    if (this.#ownsContextStorage) setTracingContextStorage(openTelemetryContextStorage);
  }

  /** Spans currently open (started and not yet ended), for diagnostics and tests. */
  get openSpanCount(): number {
    return this.#spans.size;
  }

  /** Traces currently open, for diagnostics and tests. */
  get openTraceCount(): number {
    return this.#traces.size;
  }

  onTraceStart(sdkTrace: Trace): Promise<void> {
    try {
      this.#startTrace(sdkTrace);
    } catch (error) {
      this.#report('onTraceStart', error);
    }
    return RESOLVED;
  }

  onTraceEnd(sdkTrace: Trace): Promise<void> {
    try {
      const state = this.#traces.get(sdkTrace.traceId);
      if (state) {
        this.#queue({ state });
        this.processPending();
      }
    } catch (error) {
      this.#report('onTraceEnd', error);
    }
    return RESOLVED;
  }

  onSpanStart(span: SdkSpan<SpanData>): Promise<void> {
    try {
      this.#startSpan(span);
    } catch (error) {
      this.#report('onSpanStart', error);
    }
    return RESOLVED;
  }

  onSpanEnd(span: SdkSpan<SpanData>): Promise<void> {
    try {
      this.#endSpan(span);
    } catch (error) {
      this.#report('onSpanEnd', error);
    }
    return RESOLVED;
  }

  async forceFlush(): Promise<void> {
    this.processPending();
    await flushProvider(this.#provider);
  }

  /** Closes every open span (marked incomplete), flushes, and runs `onShutdown`. */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    try {
      this.processPending();
      for (const open of [...this.#spans.values()]) this.#forceEnd(open);
      for (const state of [...this.#traces.values()]) this.#endTrace(state, 'incomplete');
      this.#unregisterLookup();
      // The SDK's own storage comes back: ours stops working once the app's context manager goes.
      if (this.#ownsContextStorage) setTracingContextStorage(undefined);
      await flushProvider(this.#provider);
      await this.#onShutdown?.();
    } catch (error) {
      this.#report('shutdown', error);
    }
  }

  #startTrace(sdkTrace: Trace): void {
    const attributes = new SpanAttributes(this.#encoder, 'trace');
    const name = mapTrace(sdkTrace, attributes);
    const parentContext = otelContext.active();
    const nested = otelTrace.getSpanContext(parentContext) !== undefined;
    const traceHex = nested ? undefined : otelTraceIdFromSdk(sdkTrace.traceId);
    const otel = withParkedIds(traceHex, traceHex === undefined ? undefined : rootSpanIdFor(traceHex), () =>
      this.#tracer.startSpan(name, { attributes: attributes.finish(), startTime: preciseNow() }, parentContext),
    );
    this.#traces.set(sdkTrace.traceId, {
      sdkTraceId: sdkTrace.traceId,
      otel,
      name,
      workflowName: sdkTrace.name || DEFAULT_WORKFLOW_NAME,
      openChildren: 0,
      ended: false,
      ...(this.#audit.enabled ? { leaves: [] } : {}),
    });
  }

  #startSpan(span: SdkSpan<SpanData>): void {
    if (this.#spans.size >= this.#maxOpenSpans) this.#evictOldest();
    const traceState = this.#traces.get(span.traceId);
    const parentSpan = span.parentId ? this.#spans.get(span.parentId) : undefined;
    const parent = parentSpan ?? traceState;
    const parentContext = parent ? childContext(parent) : otelContext.active();
    const data = span.spanData;
    const type = String(data.type);
    const startTime = preciseTime(span.startedAt);
    const name = startName(data, traceState?.workflowName ?? DEFAULT_WORKFLOW_NAME);
    // Under a parent the tracer takes the parent's trace id and asks the generator for none.
    const traceHex = parent ? undefined : otelTraceIdFromSdk(span.traceId);
    const otel = withParkedIds(traceHex, otelSpanIdFromSdk(span.spanId), () =>
      this.#tracer.startSpan(
        name,
        {
          kind: spanKindFor(type),
          startTime: Number.isFinite(startTime) ? startTime : Date.now(),
          attributes: { [AGENTS.SPAN_ID]: span.spanId, [AGENTS.SPAN_TYPE]: type },
        },
        parentContext,
      ),
    );
    if (isTraceState(parent)) {
      parent.openChildren += 1;
      this.#cancelIdleTimer(parent.sdkTraceId);
    }
    this.#spans.set(span.spanId, { sdkSpanId: span.spanId, type, otel, parent, trace: traceState, name });
  }

  /**
   * Ending a span inside a run only queues it: mapping, content serialisation and the
   * OpenTelemetry span's end happen in a batch after the current step (`setImmediate`), mostly
   * while the agent waits for its model. The end of a run (its task span, or the trace) finishes
   * everything at once, so whatever follows a run (a flush, an exit) sees its whole tree. The
   * SDK's end time is kept, so timings do not change.
   */
  #endSpan(span: SdkSpan<SpanData>): void {
    let open = this.#spans.get(span.spanId);
    if (!open) {
      // Started before this processor was registered: open it now so nothing is lost.
      this.#startSpan(span);
      open = this.#spans.get(span.spanId);
      if (!open) return;
    }
    this.#spans.delete(span.spanId);
    const endTime = preciseTime(span.endedAt);
    this.#queue({ open, span, endTime: Number.isFinite(endTime) ? endTime : Date.now() });
    if (isTraceState(open.parent)) this.processPending();
  }

  #queue(work: PendingWork): void {
    this.#pending.push(work);
    this.#scheduleDrain();
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => {
      this.processPending();
      this.#armIdleTimers();
    });
  }

  /**
   * Finishes every queued span and trace now, in the order the SDK ended them. Runs by itself
   * right after each step; `forceFlush()` and `shutdown()` call it, and so can tests that read
   * spans synchronously.
   */
  processPending(): void {
    this.#drainScheduled = false;
    const batch = this.#pending.splice(0);
    for (const work of batch) {
      try {
        if ('state' in work) this.#endTrace(work.state, undefined);
        else this.#finishSpan(work.open, work.span, work.endTime);
      } catch (error) {
        this.#report('finishing a span', error);
      }
    }
  }

  #finishSpan(open: OpenSpan, span: SdkSpan<SpanData>, endTime: number): void {
    const data = span.spanData;
    const attributes = new SpanAttributes(this.#encoder, open.type);
    let derived: DerivedContent = {};
    let name: string;
    try {
      derived = this.#derive(open, data);
      name = mapSpanData(data, attributes, derived, open.trace?.workflowName ?? DEFAULT_WORKFLOW_NAME);
    } catch (error) {
      // Odd span data must still give a valid span.
      name = open.name;
      attributes.set(AGENTS.ERROR_MESSAGE, `span data could not be mapped: ${describeThrown(error)}`);
    }
    open.name = ancestorHasName(open, name) ? `${name} (nested)` : name;
    open.otel.updateName(open.name);
    const finished = attributes.finish();
    open.otel.setAttributes(finished);
    const errorType = this.#setStatus(open.otel, span, data, attributes);
    this.#afterEnd(open, data, name, derived);
    open.otel.end(endTime);
    this.#addLeaf(open);
    this.#metrics?.spanFinished(open, finished, span.startedAt, endTime, errorType);
    this.#childEnded(open, errorType !== undefined);
  }

  /**
   * What the children told this span (agents and workflows), what it claims (tools), or its
   * converted messages (model calls).
   */
  #derive(open: OpenSpan, data: SpanData): DerivedContent {
    if (data.type === 'function') {
      const toolCallId = claimToolCall(open, data.name, data.input);
      return toolCallId ? { toolCallId } : {};
    }
    if (data.type === 'response' || data.type === 'generation') {
      const exchange = modelExchange(data);
      return exchange ? { exchange } : {};
    }
    return { input: open.input, output: open.output, ...(open.agentName ? { agentName: open.agentName } : {}) };
  }

  /** Passes what a finished span learned up to its agent and workflow. */
  #afterEnd(open: OpenSpan, data: SpanData, name: string, derived: DerivedContent): void {
    if (derived.exchange) {
      recordModelExchange(open, derived.exchange);
    } else if (data.type === 'agent') {
      recordAgentResult(open, data.name || name);
    } else if (data.type === 'guardrail') {
      const input = takeGuardrailInput(data);
      if (input !== undefined) recordBlockedInput(open, responsesMessages(input));
    }
  }

  /** Marks an error or a tripwire; returns the error type of a span that failed. */
  #setStatus(otel: Span, span: SdkSpan<SpanData>, data: SpanData, attributes: SpanAttributes): string | undefined {
    const error = span.error;
    if (error) {
      const message = this.#encoder.scrub(String(error.message ?? 'error'));
      const errorType = errorTypeFor(String(data.type), error.data);
      otel.setAttribute(ATTR_ERROR_TYPE, errorType);
      const exception: Attributes = { [ATTR_EXCEPTION_TYPE]: errorType, [ATTR_EXCEPTION_MESSAGE]: message };
      if (error.data !== undefined) {
        attributes.content(AGENTS.ERROR_DATA, error.data);
        const encoded = attributes.values[AGENTS.ERROR_DATA];
        if (encoded !== undefined) {
          otel.setAttribute(AGENTS.ERROR_DATA, encoded);
          exception[AGENTS.ERROR_DATA] = encoded;
        }
      }
      otel.addEvent('exception', exception);
      otel.setStatus({ code: SpanStatusCode.ERROR, message });
      return errorType;
    }
    if (data.type === 'guardrail' && data.triggered) {
      // The exception event is what backends' UIs (MLflow's among them) mark in red.
      otel.recordException({ name: 'GuardrailTripwireTriggered', message: TRIPWIRE_MESSAGE });
      otel.setStatus({ code: SpanStatusCode.ERROR, message: TRIPWIRE_MESSAGE });
    } else {
      otel.setStatus({ code: SpanStatusCode.OK });
    }
    return undefined;
  }

  /** Root bookkeeping: a failed run never calls `onTraceEnd`, so its root is closed here. */
  #childEnded(open: OpenSpan, failed: boolean): void {
    const parent = open.parent;
    if (!isTraceState(parent) || parent.ended) return;
    parent.openChildren -= 1;
    if (parent.openChildren > 0) return;
    if (failed) {
      this.#endTrace(parent, 'failed');
    } else {
      // The SDK ends the trace right after its last run, in the same step: a timer is only
      // started for a trace still open a step later.
      this.#maybeIdle.push(parent);
      this.#scheduleDrain();
    }
  }

  #armIdleTimers(): void {
    for (const state of this.#maybeIdle.splice(0)) {
      if (!state.ended && state.openChildren === 0 && !this.#idleTimers.has(state.sdkTraceId)) this.#startIdleTimer(state);
    }
  }

  #endTrace(state: TraceState, reason: 'failed' | 'incomplete' | undefined): void {
    this.#cancelIdleTimer(state.sdkTraceId);
    this.#traces.delete(state.sdkTraceId);
    if (state.ended) return;
    // A failed run's spans have all ended; spans still open belong to a later run of the trace.
    if (reason !== 'failed') for (const open of [...this.#spans.values()]) if (open.trace === state) this.#forceEnd(open);
    state.ended = true;
    if (reason === 'failed') {
      state.otel.recordException({ name: 'AgentRunFailed', message: FAILED_RUN_MESSAGE });
      state.otel.setStatus({ code: SpanStatusCode.ERROR, message: FAILED_RUN_MESSAGE });
    }
    if (reason === 'incomplete') state.otel.setAttribute(AGENTS.INCOMPLETE, true);
    if (reason === undefined) state.otel.setStatus({ code: SpanStatusCode.OK });
    const endTime = preciseNow();
    if (state.leaves) this.#setDigest(state, state.leaves, endTime);
    state.otel.end(endTime);
  }

  /** The digest covers each span exactly as it was ended (and so as it is exported). */
  #addLeaf(open: OpenSpan): void {
    const leaves = open.trace?.leaves;
    if (!leaves || open.trace?.ended) return;
    if (!isReadable(open.otel)) {
      this.#reportOnce('audit', 'auditing needs the OpenTelemetry SDK\'s spans; this tracer provider does not give them');
      return;
    }
    leaves.push(spanLeaf(flatSpanFromReadable(open.otel)));
  }

  #setDigest(state: TraceState, leaves: readonly SpanLeaf[], endTime: number): void {
    if (!isReadable(state.otel) || !this.#audit.enabled) return;
    const root = { ...flatSpanFromReadable(state.otel), endTime };
    state.otel.setAttributes(digestAttributes([...leaves, spanLeaf(root)], this.#audit.key) as Attributes);
  }

  #startIdleTimer(state: TraceState): void {
    const timer = setTimeout(() => {
      this.#idleTimers.delete(state.sdkTraceId);
      if (state.openChildren === 0) this.#endTrace(state, 'incomplete');
    }, this.#idleTraceTimeoutMs);
    timer.unref();
    this.#idleTimers.set(state.sdkTraceId, timer);
  }

  #cancelIdleTimer(sdkTraceId: string): void {
    const timer = this.#idleTimers.get(sdkTraceId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#idleTimers.delete(sdkTraceId);
  }

  /** Ends a span the SDK never ended, so the tree that reaches the backend is complete. */
  #forceEnd(open: OpenSpan): void {
    this.#spans.delete(open.sdkSpanId);
    open.otel.setAttribute(AGENTS.INCOMPLETE, true);
    open.otel.end(Date.now());
    this.#addLeaf(open);
    if (isTraceState(open.parent) && !open.parent.ended) open.parent.openChildren -= 1;
  }

  #evictOldest(): void {
    const oldest = this.#spans.values().next().value;
    if (oldest) {
      this.#forceEnd(oldest);
      this.#reportOnce('evicted', `more than ${this.#maxOpenSpans} spans open: closing the oldest as incomplete`);
    }
  }

  #lookup(sdkTraceId: string | undefined, sdkSpanId: string | undefined): Span | undefined {
    if (sdkSpanId) {
      const open = this.#spans.get(sdkSpanId);
      if (open) return open.otel;
    }
    return sdkTraceId ? this.#traces.get(sdkTraceId)?.otel : undefined;
  }

  #report(site: string, error: unknown): void {
    this.#reportOnce(site, `${site} failed, the agent run goes on: ${describeThrown(error)}`);
  }

  #reportOnce(key: string, message: string): void {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    diag.warn(`agents-tracing: ${message}`);
  }
}

/** An ended span of the OpenTelemetry SDK can be read back; the API's `Span` cannot. */
function isReadable(span: Span): span is Span & ReadableSpanLike {
  const candidate = span as Partial<ReadableSpanLike>;
  return Array.isArray(candidate.startTime) && typeof candidate.attributes === 'object' && Array.isArray(candidate.events);
}

const preciseNow = (): number => performance.timeOrigin + performance.now();

/** The context children of a span or trace start in, made once per parent. */
function childContext(parent: OpenSpan | TraceState): Context {
  return (parent.childContext ??= otelTrace.setSpan(ROOT_CONTEXT, parent.otel));
}

/** The last stamp parsed: the SDK stamps many spans within one millisecond. */
let lastIso = '';
let lastIsoMs = Number.NaN;

/**
 * The SDK's timestamps are ISO strings in whole milliseconds. The callbacks run as the SDK stamps
 * them, so the clock read now is the same instant to the microsecond; it is kept when it agrees
 * with the SDK's stamp, else the stamp is.
 */
function preciseTime(iso: string | null | undefined): number {
  const now = preciseNow();
  if (!iso) return now;
  if (iso !== lastIso) {
    lastIso = iso;
    lastIsoMs = Date.parse(iso);
  }
  const stamped = lastIsoMs;
  return now >= stamped && now - stamped < 2 ? now : stamped;
}

async function flushProvider(provider: TracerProvider): Promise<void> {
  const delegate = (provider as { getDelegate?: () => TracerProvider }).getDelegate?.() ?? provider;
  const flush = (delegate as { forceFlush?: () => Promise<void> }).forceFlush;
  if (typeof flush === 'function') await flush.call(delegate);
}
