import { addTraceProcessor } from '@openai/agents';
import { AgentsIdGenerator, OpenTelemetryTracingProcessor } from '@agents-tracing/processor';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';

export function startTracing(exporter: SpanExporter): NodeTracerProvider {
  const provider = new NodeTracerProvider({
    // Optional: makes each OpenTelemetry trace id the SDK's own trace id.
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  // Create the processor after the provider is registered: spans made inside tools then nest.
  addTraceProcessor(new OpenTelemetryTracingProcessor());
  return provider;
}
