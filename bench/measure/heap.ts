import {
  createAgentSpan,
  createFunctionSpan,
  getGlobalTraceProvider,
  setTraceProcessors,
  setTracingDisabled,
  type Span,
  type SpanData,
  type TracingProcessor,
} from '@openai/agents';
import { settledHeapUsed } from './gc.js';
import { median } from './stats.js';

export const OPEN_SPANS = 10_000;

/** A processor built fresh for one measurement, and how to let go of it afterwards. */
export interface HeapSubject {
  processor: TracingProcessor;
  dispose(): Promise<void>;
}

/**
 * Heap held while `OPEN_SPANS` spans are open and never end: one trace, one agent span and its
 * function spans, all started, none ended.
 */
async function heapHeldOpen(subject: HeapSubject): Promise<number> {
  setTracingDisabled(false);
  setTraceProcessors([subject.processor]);
  const held: Span<SpanData>[] = [];
  const before = await settledHeapUsed();
  const trace = getGlobalTraceProvider().createTrace({ name: 'Spans in flight' });
  await trace.start();
  const agent = createAgentSpan({ data: { name: 'Worker', tools: ['lookup'] } }, trace);
  agent.start();
  held.push(agent);
  for (let i = 1; i < OPEN_SPANS; i++) {
    const span = createFunctionSpan({ data: { name: 'lookup', input: `{"query":"item ${i}"}` } }, agent);
    span.start();
    held.push(span);
  }
  const after = await settledHeapUsed();
  // Only now let go of the SDK's own spans: they are held the same way for every subject.
  held.length = 0;
  setTraceProcessors([]);
  await subject.dispose();
  return after - before;
}

/** Median over `repeats` of the heap held with `OPEN_SPANS` spans in flight. */
export async function measureHeap(makeSubject: () => HeapSubject, repeats: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < repeats; i++) readings.push(await heapHeldOpen(makeSubject()));
  return median(readings);
}
