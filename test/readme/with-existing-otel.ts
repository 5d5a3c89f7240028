import { addTraceProcessor } from '@openai/agents';
import { AgentsIdGenerator, OpenTelemetryTracingProcessor } from '@agents-tracing/processor';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';

export function startTracing(exporter: SpanExporter): TracerProvider {
  const provider = new TracerProvider({
    // Optional: makes each OpenTelemetry trace id the SDK's own trace id.
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  // SDK 3 has no provider.register(): set the provider and an async context manager globally.
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // Create the processor after the provider is registered: spans made inside tools then nest.
  addTraceProcessor(new OpenTelemetryTracingProcessor());
  return provider;
}
