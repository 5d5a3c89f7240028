import { afterEach, describe, expect, it } from 'vitest';
import {
  createAgentSpan,
  createCustomSpan,
  createFunctionSpan,
  createGenerationSpan,
  createGuardrailSpan,
  createMCPListToolsSpan,
  createResponseSpan,
  createSpeechGroupSpan,
  createSpeechSpan,
  createTaskSpan,
  createTranscriptionSpan,
  createTurnSpan,
  type Span,
  type Trace,
} from '@openai/agents-core';
import { auditKey, verifyTraceDigest } from '../src/audit/index.js';
import { rootSpanIdFor } from '../src/ids.js';
import { harness } from './harness.js';

// A made-up key in the shape of an OpenAI key, assembled so the source holds no such shape.
const FAKE_KEY = ['sk', 'abcdefghijklmnopqrstuvwxyz123456'].join('-');

let h: ReturnType<typeof harness>;
afterEach(async () => {
  await h?.stop();
  delete process.env.AGENTS_TRACING_CAPTURE_CONTENT;
  delete process.env.OPENAI_AGENTS_DONT_LOG_MODEL_DATA;
  delete process.env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA;
});

async function inTrace(trace: Trace, body: () => void | Promise<void>): Promise<void> {
  await trace.start();
  await body();
  await trace.end();
}

function finish<T extends Span<any>>(span: T, mutate?: (span: T) => void): T {
  span.start();
  mutate?.(span);
  span.end();
  return span;
}

describe('OpenTelemetryTracingProcessor span mapping', () => {
  it('maps every SDK span type to a named, typed span under its parent', async () => {
    h = harness();
    const trace = h.newTrace('Support', { groupId: 'conv-1', metadata: { tier: 'gold', user_id: 'u-7', count: 3 } });
    await inTrace(trace, () => {
      const task = createTaskSpan({ data: { name: 'Agent workflow' } }, trace);
      task.start();
      const agent = createAgentSpan({ data: { name: 'Helper', tools: ['lookup'], handoffs: ['Other'], output_type: 'text' } }, task);
      agent.start();
      const turn = createTurnSpan({ data: { turn: 1, agent_name: 'Helper' } }, agent);
      turn.start();
      finish(createResponseSpan({}, turn), (s) => {
        s.spanData.response_id = 'resp_1';
        s.spanData._input = [{ role: 'user', content: 'hi' }];
        s.spanData._response = {
          id: 'resp_1',
          model: 'gpt-x',
          temperature: 0.2,
          status: 'completed',
          instructions: 'be brief',
          output: [{ type: 'function_call', name: 'lookup', call_id: 'call_9', arguments: '{"q":1}' }],
          usage: { input_tokens: 11, output_tokens: 7, total_tokens: 18, input_tokens_details: { cached_tokens: 2 }, output_tokens_details: { reasoning_tokens: 1 } },
          tools: [{ type: 'function', name: 'lookup' }],
        };
      });
      finish(createFunctionSpan({ data: { name: 'lookup', input: '{"q":1}' } }, turn), (s) => {
        s.spanData.output = 'found';
      });
      finish(createGenerationSpan({ data: { model: 'gpt-y', input: [{ role: 'user', content: 'q' }] } }, turn), (s) => {
        s.spanData.output = [
          { id: 'chatcmpl-1', model: 'gpt-y-2024', choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: 'a' } }], usage: { prompt_tokens: 5, completion_tokens: 3 } },
        ];
      });
      finish(createMCPListToolsSpan({ data: { server: 'files', result: ['read', 'write'] } }, turn));
      finish(createGuardrailSpan({ data: { name: 'safety', triggered: true } }, agent));
      finish(createCustomSpan({ data: { name: 'cache lookup', data: { hit: true } } }, agent));
      finish(createTranscriptionSpan({ data: { input: { data: Buffer.alloc(3000).toString('base64'), format: 'pcm' }, model: 'whisper' } }, agent), (s) => {
        s.spanData.output = 'hello there';
      });
      finish(createSpeechSpan({ data: { output: { data: Buffer.alloc(600).toString('base64'), format: 'mp3' }, model: 'tts' } }, agent), (s) => {
        s.spanData.input = 'say hi';
      });
      finish(createSpeechGroupSpan({ data: { input: 'group' } }, agent));
      turn.spanData.usage = { input_tokens: 16, output_tokens: 10, cached_input_tokens: 2, cache_write_input_tokens: 0 };
      turn.end();
      agent.end();
      task.end();
    });

    const root = h.byName('Support');
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.traceId).toBe(trace.traceId.slice(6));
    // Feedback sent later with only the trace id finds the root span from it.
    expect(root?.spanId).toBe(rootSpanIdFor(trace.traceId.slice(6)));
    expect(root?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.conversation.id': 'conv-1',
      'openai.agents.trace_id': trace.traceId,
      'openai.agents.metadata.tier': 'gold',
      'openai.agents.metadata.count': 3,
      'user.id': 'u-7',
    });
    const task = h.byName('invoke_workflow Support');
    expect(task?.parentSpanId).toBe(root?.spanId);
    const agent = h.byName('invoke_agent Helper');
    expect(agent?.attributes).toMatchObject({
      'gen_ai.agent.name': 'Helper',
      'openai.agents.agent.tools': ['lookup'],
      'openai.agents.agent.handoffs': ['Other'],
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
    });
    // The agent's final output is its last model call's output.
    expect(agent?.attributes['gen_ai.output.messages']).toContain('"content":"a"');
    // Roll-ups stay off `gen_ai.usage.*`, which backends sum over spans.
    const turn = h.byName('turn 1 Helper');
    expect(turn?.attributes).toMatchObject({ 'openai.agents.usage.input_tokens': 16, 'openai.agents.usage.output_tokens': 10 });
    expect(turn?.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
    const response = h.byName('chat gpt-x');
    expect(response?.kind).toBe('CLIENT');
    expect(response?.attributes).toMatchObject({
      'gen_ai.response.id': 'resp_1',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.usage.cache_read.input_tokens': 2,
      'gen_ai.usage.reasoning.output_tokens': 1,
      'gen_ai.system_instructions': '[{"type":"text","content":"be brief"}]',
    });
    expect(h.byName('execute_tool lookup')?.attributes).toMatchObject({
      'gen_ai.tool.call.id': 'call_9',
      'gen_ai.tool.call.arguments': '{"q":1}',
      'gen_ai.tool.call.result': 'found',
    });
    // Chat Completions: usage read from the completion, as the SDK leaves `usage` empty.
    expect(h.byName('chat gpt-y')?.attributes).toMatchObject({
      'gen_ai.response.model': 'gpt-y-2024',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(h.byName('list_tools files')?.attributes['openai.agents.mcp.tools']).toEqual(['read', 'write']);
    const guardrail = h.byName('guardrail safety');
    expect(guardrail?.status.code).toBe('ERROR');
    expect(guardrail?.attributes['openai.agents.guardrail.triggered']).toBe(true);
    // Backends' UIs mark a span red from its exception event.
    expect(guardrail?.events.map((e) => e.name)).toEqual(['exception']);
    expect(h.byName('cache lookup')?.attributes['openai.agents.custom.data']).toBe('{"hit":true}');
    const transcription = h.byName('transcription whisper');
    expect(transcription?.attributes).toMatchObject({ 'openai.agents.audio.bytes': 3000, 'openai.agents.audio.text': 'hello there' });
    expect(h.byName('speech tts')?.attributes['openai.agents.audio.format']).toBe('mp3');
    expect(h.byName('speech_group')).toBeDefined();
    // Raw audio never leaves the process.
    expect(JSON.stringify(h.spans())).not.toContain('AAAAAAAA');
    // Every span carries the SDK's own id, and its OTel id is derived from it.
    for (const span of h.spans().filter((s) => s.spanId !== root?.spanId)) {
      const sdkId = String(span.attributes['openai.agents.span_id']);
      expect(span.spanId).toBe(sdkId.slice(5, 21));
    }
  });

  it('keeps a span of an unknown (newer SDK) type as a valid span', async () => {
    h = harness();
    const trace = h.newTrace();
    await inTrace(trace, () => {
      const span = createCustomSpan({ data: { name: 'x', data: {} } }, trace);
      (span.spanData as unknown as { type: string }).type = 'realtime_session';
      finish(span);
    });
    const span = h.spans().find((s) => s.attributes['openai.agents.span.type'] === 'realtime_session');
    expect(span?.name).toBe('realtime_session x');
  });

  it('records SDK errors as status ERROR, error.type and an exception event, with secrets scrubbed', async () => {
    h = harness();
    const trace = h.newTrace();
    await inTrace(trace, () => {
      finish(createFunctionSpan({ data: { name: 'pay', input: '{}' } }, trace), (s) => {
        s.setError({ message: `Error running tool with key ${FAKE_KEY}`, data: { type: 'ToolError' } });
      });
    });
    const span = h.byName('execute_tool pay');
    expect(span?.status).toEqual({ code: 'ERROR', message: 'Error running tool with key [REDACTED]' });
    expect(span?.attributes['error.type']).toBe('ToolError');
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
    expect(JSON.stringify(h.spans())).not.toContain('sk-abcdefghij');
  });

  it('gives a failed tool an exception event with a type, the message and the SDK’s error data; other spans end OK', async () => {
    h = harness();
    const trace = h.newTrace();
    await inTrace(trace, () => {
      finish(createFunctionSpan({ data: { name: 'lookup', input: '{}' } }, trace), (s) => {
        s.setError({ message: 'Error running tool', data: { tool_name: 'lookup', error: 'Error: database is down' } });
      });
      finish(createFunctionSpan({ data: { name: 'fine', input: '{}' } }, trace), (s) => {
        s.spanData.output = 'ok';
      });
    });
    const failed = h.byName('execute_tool lookup');
    expect(failed?.attributes['error.type']).toBe('ToolCallError');
    expect(failed?.events).toEqual([
      expect.objectContaining({
        name: 'exception',
        attributes: {
          'exception.type': 'ToolCallError',
          'exception.message': 'Error running tool',
          'openai.agents.error.data': '{"tool_name":"lookup","error":"Error: database is down"}',
        },
      }),
    ]);
    expect(h.byName('execute_tool fine')?.status.code).toBe('OK');
  });

  it('times spans finer than the SDK’s millisecond timestamps', async () => {
    h = harness();
    const trace = h.newTrace();
    await inTrace(trace, () => {
      for (let i = 0; i < 5; i += 1) finish(createFunctionSpan({ data: { name: `t${i}`, input: '{}' } }, trace));
    });
    const times = h.spans().flatMap((span) => [span.startTime, span.endTime]);
    expect(times.some((ms) => !Number.isInteger(ms))).toBe(true);
    for (const span of h.spans()) expect(span.endTime).toBeGreaterThanOrEqual(span.startTime);
  });

  it('gives nested spans with the same name distinct names', async () => {
    h = harness();
    const trace = h.newTrace();
    await inTrace(trace, () => {
      const outer = createAgentSpan({ data: { name: 'Echo' } }, trace);
      outer.start();
      finish(createAgentSpan({ data: { name: 'Echo' } }, outer));
      outer.end();
    });
    expect(h.spans().map((s) => s.name).sort()).toEqual(['Workflow', 'invoke_agent Echo', 'invoke_agent Echo (nested)']);
  });
});

describe('OpenTelemetryTracingProcessor lifecycle', () => {
  it('closes a trace whose runs ended but which the SDK never ends, after the idle timeout', async () => {
    h = harness({ idleTraceTimeoutMs: 30 });
    const trace = h.newTrace('Left open');
    await trace.start();
    finish(createTaskSpan({ data: { name: 'Agent workflow' } }, trace));
    expect(h.processor.openTraceCount).toBe(1);
    await expect.poll(() => h.processor.openTraceCount, { timeout: 5000, interval: 10 }).toBe(0);
    expect(h.byName('Left open')?.attributes['openai.agents.incomplete']).toBe(true);
  });

  it('keeps a trace open past the idle timeout while a later run goes on', async () => {
    h = harness({ idleTraceTimeoutMs: 30 });
    const trace = h.newTrace('Two runs');
    await trace.start();
    finish(createTaskSpan({ data: { name: 'Agent workflow' } }, trace));
    // The next run starts a step later, before the timeout, and outlasts it.
    await new Promise((resolve) => setImmediate(resolve));
    const second = createTaskSpan({ data: { name: 'Agent workflow' } }, trace);
    second.start();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(h.processor.openTraceCount).toBe(1);
    second.end();
    await trace.end();
    const root = h.byName('Two runs');
    expect(root?.status.code).toBe('OK');
    expect(root?.attributes['openai.agents.incomplete']).toBeUndefined();
    expect(h.spans().filter((s) => s.name === 'invoke_workflow Two runs')).toHaveLength(2);
  });

  it('finishes the spans of a step after it, and a whole run when the run ends', async () => {
    const finished: string[] = [];
    h = harness();
    const trace = h.newTrace('Run');
    await trace.start();
    const task = createTaskSpan({ data: { name: 'Agent workflow' } }, trace);
    task.start();
    const step = createCustomSpan({ data: { name: 'step', data: { big: 'x'.repeat(1000) } } }, task);
    step.start();
    step.end();
    // The SDK callback only queued the step's span; it is finished after the step.
    finished.push(...h.exportedNames());
    await new Promise((resolve) => setImmediate(resolve));
    finished.push('|', ...h.exportedNames());
    task.end();
    finished.push('|', ...h.exportedNames());
    expect(finished).toEqual(['|', 'step', '|', 'step', 'invoke_workflow Run']);
    await trace.end();
    expect(h.exportedNames()).toEqual(['step', 'invoke_workflow Run', 'Run']);
    expect(h.processor.openTraceCount).toBe(0);
  });

  it('closes the root of a failed run, which the SDK never ends', async () => {
    h = harness();
    const trace = h.newTrace('Failing');
    await trace.start();
    finish(createTaskSpan({ data: { name: 'Agent workflow' } }, trace), (s) => s.setError({ message: 'Error in agent run' }));
    const root = h.byName('Failing');
    expect(root?.status.code).toBe('ERROR');
    expect(root?.events.map((e) => e.name)).toEqual(['exception']);
    expect(h.processor.openTraceCount).toBe(0);
  });

  it('closes spans the SDK never ended when their trace ends, marked incomplete', async () => {
    h = harness();
    const trace = h.newTrace();
    await inTrace(trace, () => {
      createAgentSpan({ data: { name: 'Stuck' } }, trace).start();
    });
    expect(h.byName('invoke_agent Stuck')?.attributes['openai.agents.incomplete']).toBe(true);
    expect(h.processor.openSpanCount).toBe(0);
  });

  it('bounds the spans it holds open when the SDK never ends them', async () => {
    h = harness({ maxOpenSpans: 5 });
    const trace = h.newTrace();
    await trace.start();
    for (let i = 0; i < 12; i += 1) createCustomSpan({ data: { name: `open ${i}`, data: {} } }, trace).start();
    expect(h.processor.openSpanCount).toBe(5);
    expect(h.spans().filter((s) => s.attributes['openai.agents.incomplete'] === true)).toHaveLength(7);
    await trace.end();
    expect(h.processor.openSpanCount).toBe(0);
  });

  it('never throws or rejects into the SDK, whatever it is given', async () => {
    h = harness();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile');
        },
      },
    );
    await expect(h.processor.onTraceStart(hostile as never)).resolves.toBeUndefined();
    await expect(h.processor.onSpanStart(hostile as never)).resolves.toBeUndefined();
    await expect(h.processor.onSpanEnd(hostile as never)).resolves.toBeUndefined();
    await expect(h.processor.onTraceEnd(hostile as never)).resolves.toBeUndefined();
    await expect(h.processor.onSpanEnd(null as never)).resolves.toBeUndefined();
  });
});

describe('content capture', () => {
  const runTool = async (): Promise<void> => {
    const trace = h.newTrace();
    await inTrace(trace, () => {
      finish(createFunctionSpan({ data: { name: 't', input: '{"a":1}' } }, trace), (s) => {
        s.spanData.output = 'secret result';
      });
      finish(createGenerationSpan({ data: { model: 'm', input: [{ role: 'user', content: 'prompt' }] } }, trace));
    });
  };

  it('captures content by default', async () => {
    h = harness();
    await runTool();
    expect(h.byName('execute_tool t')?.attributes['gen_ai.tool.call.result']).toBe('secret result');
  });

  it('turns off with one option', async () => {
    h = harness({ captureContent: false });
    await runTool();
    const tool = h.byName('execute_tool t');
    expect(tool?.attributes['gen_ai.tool.call.result']).toBeUndefined();
    expect(tool?.attributes['gen_ai.tool.name']).toBe('t');
    expect(h.byName('chat m')?.attributes['gen_ai.input.messages']).toBeUndefined();
  });

  it('turns off with AGENTS_TRACING_CAPTURE_CONTENT=false, whatever the option says', async () => {
    process.env.AGENTS_TRACING_CAPTURE_CONTENT = 'false';
    h = harness({ captureContent: true });
    await runTool();
    expect(h.byName('execute_tool t')?.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
  });

  it("honours the SDK's OPENAI_AGENTS_DONT_LOG_TOOL_DATA and _MODEL_DATA", async () => {
    process.env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA = '1';
    h = harness();
    await runTool();
    expect(h.byName('execute_tool t')?.attributes['gen_ai.tool.call.result']).toBeUndefined();
    expect(h.byName('chat m')?.attributes['gen_ai.input.messages']).toBe('[{"role":"user","parts":[{"type":"text","content":"prompt"}]}]');
    await h.stop();
    delete process.env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA;
    process.env.OPENAI_AGENTS_DONT_LOG_MODEL_DATA = 'true';
    h = harness();
    await runTool();
    expect(h.byName('execute_tool t')?.attributes['gen_ai.tool.call.result']).toBe('secret result');
    expect(h.byName('chat m')?.attributes['gen_ai.input.messages']).toBeUndefined();
  });

  it('shows every captured value to the redaction hook, which can change or drop it', async () => {
    const sites: string[] = [];
    h = harness({
      redact: (value, site) => {
        sites.push(`${site.spanType}:${site.attribute}`);
        if (site.attribute === 'gen_ai.tool.call.result') return undefined;
        return typeof value === 'string' ? value.replace('1', 'X') : value;
      },
    });
    await runTool();
    const tool = h.byName('execute_tool t');
    expect(tool?.attributes['gen_ai.tool.call.result']).toBeUndefined();
    expect(tool?.attributes['gen_ai.tool.call.arguments']).toBe('{"a":X}');
    expect(sites).toEqual(
      expect.arrayContaining(['function:gen_ai.tool.call.arguments', 'function:gen_ai.tool.call.result', 'generation:gen_ai.input.messages']),
    );
  });

  it('keeps nothing of a value whose redaction hook throws', async () => {
    h = harness({
      redact: () => {
        throw new Error('hook bug');
      },
    });
    await runTool();
    expect(h.byName('execute_tool t')?.attributes['gen_ai.tool.call.result']).toBe('[redact hook threw: Error: hook bug]');
  });
});

describe('auditing', () => {
  it('puts a digest on the root that verifies the trace as exported, and names an edited span', async () => {
    h = harness({ audit: { key: 'test-key', keyId: 'k1' } });
    const trace = h.newTrace('Audited');
    await inTrace(trace, () => {
      const agent = createAgentSpan({ data: { name: 'A' } }, trace);
      agent.start();
      finish(createFunctionSpan({ data: { name: 't', input: '{}' } }, agent), (s) => {
        s.spanData.output = 'ok';
      });
      agent.end();
      createCustomSpan({ data: { name: 'never ended', data: {} } }, trace).start();
    });
    const spans = h.spans();
    const root = h.byName('Audited');
    expect(root?.attributes['openai.agents.digest.algorithm']).toBe('merkle-hmac-sha256-v1');
    expect(root?.attributes['openai.agents.digest.key_id']).toBe('k1');
    expect(root?.attributes['openai.agents.digest.span_ids']).toHaveLength(4);
    const key = auditKey('test-key', 'k1');
    expect(verifyTraceDigest(spans, { key }).verdict).toBe('ok');

    const edited = spans.map((s) =>
      s.name === 'execute_tool t' ? { ...s, attributes: { ...s.attributes, 'gen_ai.tool.call.result': 'forged' } } : s,
    );
    const report = verifyTraceDigest(edited, { key });
    expect(report.verdict).toBe('tampered');
    expect(report.changed.map((c) => c.spanId)).toEqual([h.byName('execute_tool t')?.spanId]);
  });

  it('is off by default', async () => {
    h = harness();
    const trace = h.newTrace('Plain');
    await inTrace(trace, () => {});
    expect(h.byName('Plain')?.attributes['openai.agents.digest']).toBeUndefined();
  });
});
