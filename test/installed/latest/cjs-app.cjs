// A CommonJS app that brings its own OpenTelemetry SDK 3 set-up and require()s the processor.
const { Agent, OpenAIResponsesModel, addTraceProcessor, run, setTracingDisabled } = require('@openai/agents');
const { AgentsIdGenerator, OpenTelemetryTracingProcessor } = require('@agents-tracing/processor');
const { startScriptedOpenAI } = require('@agents-tracing/testing');
const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const OpenAI = require('openai').default;

async function main() {
  const model = await startScriptedOpenAI([{ text: 'Hello from CommonJS.' }]);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    idGenerator: new AgentsIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const processor = new OpenTelemetryTracingProcessor({ tracerProvider });
  addTraceProcessor(processor);
  setTracingDisabled(false);
  const agent = new Agent({
    name: 'Greeter',
    instructions: 'Greet.',
    model: new OpenAIResponsesModel(new OpenAI({ baseURL: model.baseURL, apiKey: 'test' }), 'gpt-4.1-mini'),
  });
  await run(agent, 'Hi');
  await processor.forceFlush();
  console.log(`spans: ${JSON.stringify(exporter.getFinishedSpans().map((span) => span.name).sort())}`);
  await processor.shutdown();
  await model.close();
}

main();
