import { context, createContextKey, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import type { TracingContextStorage } from '@openai/agents-core';

/** The SDK's own context store: the current trace and span (mutated in place by the SDK). */
interface SdkStore {
  trace?: { traceId: string };
  span?: { spanId: string };
}

/** Finds the OpenTelemetry span that stands for an SDK span (or a trace's root). */
export type SpanLookup = (sdkTraceId: string | undefined, sdkSpanId: string | undefined) => Span | undefined;

const SDK_STORE = createContextKey('agents-tracing sdk store');
const lookups = new Set<SpanLookup>();

/**
 * An OpenTelemetry context that carries the SDK's store and answers "which span is active" with
 * the span mapped from the SDK's current span. The SDK changes its current span in place, so the
 * answer is computed when asked, not when the context is made.
 */
class SdkStoreContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly store: SdkStore,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SDK_STORE) return this.store;
    const span = activeSpanFor(this.store);
    return (span ? trace.setSpan(this.parent, span) : this.parent).getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new DerivedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new DerivedContext(this, key, undefined);
  }
}

/** A context whose own value wins over its parent's: what `setValue` returns. */
class DerivedContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly key: symbol,
    private readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    return key === this.key ? this.value : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new DerivedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new DerivedContext(this, key, undefined);
  }
}

function activeSpanFor(store: SdkStore): Span | undefined {
  for (const lookup of lookups) {
    const span = lookup(store.trace?.traceId, store.span?.spanId);
    if (span) return span;
  }
  return undefined;
}

/**
 * The SDK's context storage backed by OpenTelemetry's context manager, so spans that
 * application code creates inside a tool's `execute` nest under that tool's span.
 */
export const openTelemetryContextStorage: TracingContextStorage<SdkStore> = {
  run(store, callback) {
    return context.with(new SdkStoreContext(context.active(), store), callback);
  },
  getStore() {
    return context.active().getValue(SDK_STORE) as SdkStore | undefined;
  },
  // The SDK only re-enters the store it already holds, or restores the previous one when a
  // scope ends; with scoped contexts both already hold.
  enterWith() {},
};

/**
 * The OpenTelemetry span a registered processor opened for an SDK span that is still open (or
 * for the root of an open trace), for tracers that add what SDK span data cannot carry: events,
 * and measurements that are not content.
 */
export function openTelemetrySpanFor(sdkTraceId: string, sdkSpanId?: string): Span | undefined {
  for (const lookup of lookups) {
    const span = lookup(sdkTraceId, sdkSpanId);
    if (span) return span;
  }
  return undefined;
}

export function registerSpanLookup(lookup: SpanLookup): () => void {
  lookups.add(lookup);
  return () => lookups.delete(lookup);
}

/** True when a real context manager is registered (NodeSDK, `provider.register()`). */
export function hasActiveContextManager(): boolean {
  const probeKey = createContextKey('agents-tracing probe');
  const probe = ROOT_CONTEXT.setValue(probeKey, true);
  return context.with(probe, () => context.active().getValue(probeKey) === true);
}
