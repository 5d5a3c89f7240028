import { afterEach, describe, expect, it } from 'vitest';
import {
  createAgentSpan,
  createFunctionSpan,
  createGenerationSpan,
  createResponseSpan,
  createTaskSpan,
  type Span,
} from '@openai/agents-core';
import {
  chatInputMessages,
  chatOutputMessages,
  responsesMessages,
  responsesOutput,
  systemInstructions,
  toolDefinitions,
} from '../src/mapping/messages/index.js';
import { genaiSchemaViolations } from './genai-schemas.js';
import { harness } from './harness.js';

let h: ReturnType<typeof harness> | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function finish<T extends Span<any>>(span: T, mutate?: (span: T) => void): T {
  span.start();
  mutate?.(span);
  span.end();
  return span;
}

const json = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
const IMAGE_BASE64 = Buffer.alloc(3000, 7).toString('base64');

/** The SDK's input items for a second model call: the question, a tool call and its result. */
const SDK_HISTORY = [
  { role: 'user', content: 'Weather in Paris?' },
  { type: 'function_call', callId: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed', providerData: { x: 1 } },
  { type: 'function_call_result', callId: 'call_1', name: 'get_weather', status: 'completed', output: { type: 'text', text: 'Sunny' } },
];

describe('messages in the GenAI conventions’ format', () => {
  it('turns the SDK’s Responses input items into role + parts, with the tool call id on both sides', () => {
    expect(responsesMessages(SDK_HISTORY)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'Sunny' }] },
    ]);
    expect(JSON.stringify(responsesMessages(SDK_HISTORY))).not.toMatch(/callId|providerData|function_call_result/);
  });

  it('gives parallel tool calls one assistant message and each result a tool message of its own', () => {
    const call = (id: string, name: string) => ({ type: 'function_call', callId: id, name, arguments: '{"city":"Paris"}' });
    const result = (id: string, text: string) => ({ type: 'function_call_result', callId: id, output: { type: 'text', text } });
    expect(
      responsesMessages([call('call_1', 'get_weather'), call('call_2', 'get_alerts'), result('call_1', 'Sunny'), result('call_2', 'None')]),
    ).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
          { type: 'tool_call', id: 'call_2', name: 'get_alerts', arguments: { city: 'Paris' } },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'Sunny' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_2', response: 'None' }] },
    ]);
  });

  it('turns a Responses API output into one assistant message with a finish reason', () => {
    const response = {
      status: 'completed',
      output: [
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'need the weather' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
    };
    expect(responsesOutput(response)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'need the weather' },
          { type: 'text', content: 'Let me check.' },
          { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
    expect(responsesOutput({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Par' }] }] })[0]?.finish_reason).toBe('length');
  });

  it('records hosted tools as server tool calls and their results', () => {
    const parts = responsesOutput({
      status: 'completed',
      output: [
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'paris weather' } },
        { type: 'file_search_call', id: 'fs_1', status: 'completed', queries: ['q'], results: [{ file_id: 'f1', text: 'hit' }] },
        { type: 'code_interpreter_call', id: 'ci_1', status: 'completed', code: 'print(1)', outputs: [{ type: 'logs', logs: '1' }] },
        { type: 'computer_call', id: 'cu_1', call_id: 'call_c', status: 'completed', action: { type: 'click', x: 1, y: 2 } },
        { type: 'mcp_call', id: 'mcp_1', name: 'read_file', server_label: 'files', arguments: '{"path":"a"}', output: 'text' },
        { type: 'image_generation_call', id: 'ig_1', status: 'completed', result: IMAGE_BASE64 },
      ],
    })[0]?.parts as Record<string, unknown>[] | undefined;
    const calls = parts?.filter((p) => p.type === 'server_tool_call').map((p) => p.name);
    expect(calls).toEqual(['web_search', 'file_search', 'code_interpreter', 'computer_use', 'read_file', 'image_generation']);
    expect(parts?.filter((p) => p.type === 'server_tool_call_response')).toHaveLength(6);
    expect(parts?.find((p) => p.type === 'server_tool_call' && p.name === 'computer_use')?.id).toBe('call_c');
    // Generated images are binary: summarised, never recorded.
    expect(JSON.stringify(parts)).not.toContain(IMAGE_BASE64.slice(0, 64));
    // The SDK's own record of a hosted call.
    expect(responsesMessages([{ type: 'hosted_tool_call', id: 'h1', name: 'web_search_call', arguments: '{"q":"x"}', output: 'found' }])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'server_tool_call', id: 'h1', name: 'web_search_call', server_tool_call: { type: 'web_search_call', arguments: { q: 'x' } } },
          { type: 'server_tool_call_response', id: 'h1', server_tool_call_response: { type: 'web_search_call', output: 'found' } },
        ],
      },
    ]);
  });

  it('summarises images, files and audio, and keeps URLs and file ids', () => {
    const [message] = responsesMessages([
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'what is this?' },
          { type: 'input_image', image: `data:image/png;base64,${IMAGE_BASE64}` },
          { type: 'input_image', image: 'https://example.com/cat.png' },
          { type: 'input_file', file: { id: 'file_1' } },
          { type: 'input_file', file: `data:application/pdf;base64,${IMAGE_BASE64}`, filename: 'a.pdf' },
          { type: 'audio', audio: IMAGE_BASE64, format: 'wav', transcript: 'hello' },
        ],
      },
    ]);
    expect(message?.parts).toEqual([
      { type: 'text', content: 'what is this?' },
      { type: 'blob', modality: 'image', mime_type: 'image/png', content: '[3000 bytes of image/png data not recorded]', size_bytes: 3000 },
      { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' },
      { type: 'file', modality: 'document', file_id: 'file_1' },
      { type: 'blob', modality: 'document', mime_type: 'application/pdf', content: '[3000 bytes of application/pdf data not recorded]', size_bytes: 3000 },
      { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: '[3000 bytes of audio/wav data not recorded]', size_bytes: 3000, transcript: 'hello' },
    ]);
  });

  it('keeps an item shape it does not know as a generic part, never failing', () => {
    const odd = [{ type: 'hologram_call', id: 'x', beam: { power: 3 }, providerData: { secret: 1 } }, 42, null, { role: 'user', content: [{ type: 'smell', note: 'rose' }] }];
    const messages = responsesMessages(odd);
    expect(messages[0]?.parts[0]).toEqual({ type: 'hologram_call', id: 'x', beam: { power: 3 } });
    expect(messages.flatMap((m) => m.parts)).toContainEqual({ type: 'smell', note: 'rose' });
    expect(genaiSchemaViolations([{ name: 'odd', attributes: { 'gen_ai.input.messages': JSON.stringify(messages) } }])).toEqual([]);
  });

  it('turns Chat Completions messages and choices into role + parts', () => {
    expect(
      chatInputMessages([
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${IMAGE_BASE64}` } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_2', content: 'done' },
      ]),
    ).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'hi' },
          { type: 'blob', modality: 'image', mime_type: 'image/jpeg', content: '[3000 bytes of image/jpeg data not recorded]', size_bytes: 3000 },
        ],
      },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_2', name: 'f', arguments: {} }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_2', response: 'done' }] },
    ]);
    expect(chatOutputMessages({ choices: [{ finish_reason: 'tool_calls', message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'g', arguments: '{"a":1}' } }] } }] })).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_3', name: 'g', arguments: { a: 1 } }], finish_reason: 'tool_call' },
    ]);
    expect(chatOutputMessages({ choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: null, refusal: 'I cannot' } }] })[0]?.parts).toEqual([
      { type: 'refusal', content: 'I cannot' },
    ]);
  });

  it('gives system instructions and tool definitions as the conventions’ arrays', () => {
    expect(systemInstructions('be brief')).toEqual([{ type: 'text', content: 'be brief' }]);
    expect(systemInstructions('')).toBeUndefined();
    expect(
      toolDefinitions([
        { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, strict: true },
        { type: 'web_search' },
        { type: 'mcp', server_label: 'files' },
        { type: 'function', function: { name: 'chat_tool', parameters: { type: 'object' } } },
      ]),
    ).toEqual([
      { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
      { type: 'web_search', name: 'web_search' },
      { type: 'mcp', name: 'files' },
      { type: 'function', name: 'chat_tool', parameters: { type: 'object' } },
    ]);
  });
});

describe('content attributes on spans', () => {
  it('are valid against the conventions’ schemas for Responses and Chat Completions, agents and workflows', async () => {
    h = harness();
    const trace = h.newTrace('Weather');
    await trace.start();
    const task = createTaskSpan({ data: { name: 'Agent workflow' } }, trace);
    task.start();
    const agent = createAgentSpan({ data: { name: 'Weather agent' } }, task);
    agent.start();
    finish(createResponseSpan({}, agent), (s) => {
      s.spanData._input = [SDK_HISTORY[0]!];
      s.spanData._response = json({
        id: 'resp_1',
        model: 'm',
        status: 'completed',
        instructions: 'Answer about the weather.',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }, { type: 'web_search' }],
        output: [{ type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      });
    });
    finish(createFunctionSpan({ data: { name: 'get_weather', input: '{"city":"Paris"}' } }, agent), (s) => {
      s.spanData.output = 'Sunny';
    });
    finish(createResponseSpan({}, agent), (s) => {
      s.spanData._input = SDK_HISTORY;
      s.spanData._response = json({
        id: 'resp_2',
        model: 'm',
        status: 'completed',
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Sunny in Paris.' }] }],
      });
    });
    finish(createGenerationSpan({ data: { model: 'c', input: [{ role: 'system', content: 's' }, { role: 'user', content: 'hi' }] } }, agent), (s) => {
      s.spanData.output = [{ id: 'chatcmpl-1', choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: 'hello' } }] }];
    });
    agent.end();
    task.end();
    await trace.end();

    const spans = h.spans();
    expect(genaiSchemaViolations(spans)).toEqual([]);
    const [first, second] = spans.filter((s) => s.name === 'chat m');
    // The id of a tool call in a model's output is the id its tool span and the next call's replay carry.
    const call = JSON.parse(String(first?.attributes['gen_ai.output.messages']))[0].parts[0];
    const replay = JSON.parse(String(second?.attributes['gen_ai.input.messages']))[2].parts[0];
    expect(call).toMatchObject({ type: 'tool_call', id: 'call_1' });
    expect(replay).toMatchObject({ type: 'tool_call_response', id: 'call_1', response: 'Sunny' });
    expect(h.byName('execute_tool get_weather')?.attributes['gen_ai.tool.call.id']).toBe('call_1');
    expect(JSON.parse(String(first?.attributes['gen_ai.system_instructions']))).toEqual([{ type: 'text', content: 'Answer about the weather.' }]);
    expect(JSON.parse(String(first?.attributes['gen_ai.tool.definitions'])).map((t: { name: string }) => t.name)).toEqual(['get_weather', 'web_search']);
    // Agents and workflows carry their input and final output in the same format.
    for (const name of ['invoke_agent Weather agent', 'invoke_workflow Weather']) {
      const attributes = h.byName(name)?.attributes ?? {};
      expect(JSON.parse(String(attributes['gen_ai.input.messages']))).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
      expect(JSON.parse(String(attributes['gen_ai.output.messages']))).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'stop' },
      ]);
    }
  });

  it('stay valid JSON against the schemas for odd data: circular objects, binary, huge payloads', async () => {
    h = harness({ maxAttributeLength: 2000 });
    const circular: Record<string, unknown> = { type: 'loop' };
    circular.self = circular;
    const trace = h.newTrace('Odd');
    await trace.start();
    finish(createResponseSpan({}, trace), (s) => {
      s.spanData._input = [circular, { role: 'user', content: 'x'.repeat(10_000) }, { type: 'input_image', image: new Uint8Array(10) }] as never;
      s.spanData._response = { id: 'r', output: [circular, 'text', { type: 'message', role: 'assistant', content: 'plain' }] };
    });
    await trace.end();
    const span = h.byName('chat');
    expect(span?.attributes['gen_ai.input.messages']).toBeDefined();
    expect(span?.attributes['gen_ai.output.messages']).toBeDefined();
    // A value cut at the size limit is listed as truncated; everything else is schema-valid.
    const truncated = new Set(span?.attributes['openai.agents.truncated'] as string[] | undefined);
    const kept = Object.fromEntries(Object.entries(span?.attributes ?? {}).filter(([key]) => !truncated.has(key)));
    expect(genaiSchemaViolations([{ name: 'chat', attributes: kept }])).toEqual([]);
  });
});
