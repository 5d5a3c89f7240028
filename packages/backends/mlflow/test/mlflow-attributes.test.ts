import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { AGENTS, GEN_AI } from '@agents-tracing/processor';
import { MLFLOW, MLFLOW_LIMITS, summarizeForRoot, toMlflowAttributes, type TraceSummary } from '../src/mlflow-attributes.js';

const TAG = (key: string) => `${MLFLOW.TRACE_TAG_PREFIX}${key}`;
const TRACE_NAME = TAG(MLFLOW.TRACE_NAME_TAG);

function ofType(type: string, attributes: Attributes = {}): Attributes {
  return { [AGENTS.SPAN_TYPE]: type, [AGENTS.SPAN_ID]: 'span_0123', ...attributes };
}

/** A child span's extra attributes. */
function child(type: string, attributes: Attributes = {}): Attributes {
  return toMlflowAttributes(ofType(type, attributes), 'a span', false);
}

const json = (value: unknown) => JSON.parse(String(value)) as unknown;

describe('span type', () => {
  it.each([
    ['task', 'CHAIN'],
    ['turn', 'CHAIN'],
    ['agent', 'AGENT'],
    ['generation', 'CHAT_MODEL'],
    ['response', 'CHAT_MODEL'],
    ['function', 'TOOL'],
    ['mcp_tools', 'TOOL'],
    ['handoff', 'CHAIN'],
    ['guardrail', 'GUARDRAIL'],
    ['custom', 'CHAIN'],
    ['transcription', 'LLM'],
    ['speech', 'LLM'],
    ['speech_group', 'LLM'],
    ['a_type_from_a_newer_sdk', 'UNKNOWN'],
  ])('%s spans are %s', (type, mlflowType) => {
    expect(child(type)[MLFLOW.SPAN_TYPE]).toBe(mlflowType);
  });

  it('the workflow span, marked by the SDK trace id, is a CHAIN', () => {
    const extra = toMlflowAttributes({ [AGENTS.TRACE_ID]: 'trace_abc', [GEN_AI.WORKFLOW_NAME]: 'Support' }, 'Support', true);
    expect(extra[MLFLOW.SPAN_TYPE]).toBe('CHAIN');
  });

  it('leaves spans the processor did not make without a type', () => {
    expect(toMlflowAttributes({ 'http.request.method': 'GET' }, 'GET /users', false)).toEqual({});
  });
});

describe('inputs and outputs', () => {
  const question = [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }];
  const answer = [{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny' }], finish_reason: 'stop' }];

  it.each(['agent', 'generation', 'response', 'task'])('%s spans show their messages as an OpenAI chat', (type) => {
    const extra = child(type, {
      [GEN_AI.INPUT_MESSAGES]: JSON.stringify(question),
      [GEN_AI.OUTPUT_MESSAGES]: JSON.stringify(answer),
    });
    expect(json(extra[MLFLOW.SPAN_INPUTS])).toEqual({ messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    expect(json(extra[MLFLOW.SPAN_OUTPUTS])).toEqual({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Sunny' }, finish_reason: 'stop' }],
    });
    expect(extra[MLFLOW.MESSAGE_FORMAT]).toBe('openai');
  });

  it('a model call with tool history shows system instructions, tool calls and their results as chat messages', () => {
    const history = [
      ...question,
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'Sunny' }] },
    ];
    const extra = child('response', {
      [GEN_AI.INPUT_MESSAGES]: JSON.stringify(history),
      [GEN_AI.SYSTEM_INSTRUCTIONS]: JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
      [GEN_AI.OUTPUT_MESSAGES]: JSON.stringify([
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_2', name: 'get_forecast', arguments: { days: 2 } }], finish_reason: 'tool_call' },
      ]),
    });
    expect(json(extra[MLFLOW.SPAN_INPUTS])).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      ],
    });
    expect(json(extra[MLFLOW.SPAN_OUTPUTS])).toMatchObject({
      choices: [{ message: { tool_calls: [{ id: 'call_2', function: { name: 'get_forecast' } }] }, finish_reason: 'tool_calls' }],
    });
  });

  it('content cut at the size limit is shown as it is', () => {
    const cut = '[{"role":"user","parts":[{"type":"text","content":"Weath';
    expect(json(child('response', { [GEN_AI.INPUT_MESSAGES]: cut })[MLFLOW.SPAN_INPUTS])).toBe(cut);
  });

  it('a plain-text input (a string run input) becomes a JSON string', () => {
    const extra = child('task', { [GEN_AI.INPUT_MESSAGES]: 'Weather in Paris?' });
    expect(json(extra[MLFLOW.SPAN_INPUTS])).toBe('Weather in Paris?');
    expect(extra[MLFLOW.SPAN_OUTPUTS]).toBeUndefined();
  });

  it('tool spans show the arguments and the result', () => {
    const extra = child('function', {
      [GEN_AI.TOOL_CALL_ARGUMENTS]: '{"city":"Paris"}',
      [GEN_AI.TOOL_CALL_RESULT]: 'Sunny, 21 °C',
    });
    expect(json(extra[MLFLOW.SPAN_INPUTS])).toEqual({ city: 'Paris' });
    expect(json(extra[MLFLOW.SPAN_OUTPUTS])).toBe('Sunny, 21 °C');
    expect(extra[MLFLOW.MESSAGE_FORMAT]).toBeUndefined();
  });

  it('guardrail spans show whether the tripwire fired', () => {
    expect(json(child('guardrail', { [AGENTS.GUARDRAIL_TRIGGERED]: true })[MLFLOW.SPAN_OUTPUTS])).toEqual({ triggered: true });
    expect(json(child('guardrail', { [AGENTS.GUARDRAIL_TRIGGERED]: false })[MLFLOW.SPAN_OUTPUTS])).toEqual({ triggered: false });
  });

  it('handoff spans show who handed off to whom', () => {
    const extra = child('handoff', { [AGENTS.HANDOFF_FROM]: 'Triage', [AGENTS.HANDOFF_TO]: 'Weather' });
    expect(json(extra[MLFLOW.SPAN_INPUTS])).toEqual({ from_agent: 'Triage' });
    expect(json(extra[MLFLOW.SPAN_OUTPUTS])).toEqual({ to_agent: 'Weather' });
  });

  it('MCP list_tools spans show the server and its tools', () => {
    const extra = child('mcp_tools', { [AGENTS.MCP_SERVER]: 'files', [AGENTS.MCP_TOOLS]: ['read', 'write'] });
    expect(json(extra[MLFLOW.SPAN_INPUTS])).toEqual({ server: 'files' });
    expect(json(extra[MLFLOW.SPAN_OUTPUTS])).toEqual(['read', 'write']);
  });

  it('custom spans show their data', () => {
    expect(json(child('custom', { [AGENTS.CUSTOM_DATA]: '{"step":3}' })[MLFLOW.SPAN_OUTPUTS])).toEqual({ step: 3 });
  });

  it('audio spans show the text: heard for transcription, spoken for speech', () => {
    expect(json(child('transcription', { [AGENTS.AUDIO_TEXT]: 'hello' })[MLFLOW.SPAN_OUTPUTS])).toBe('hello');
    expect(json(child('speech', { [AGENTS.AUDIO_TEXT]: 'hi there' })[MLFLOW.SPAN_INPUTS])).toBe('hi there');
    expect(json(child('speech_group', { [AGENTS.AUDIO_TEXT]: 'hi' })[MLFLOW.SPAN_INPUTS])).toBe('hi');
  });

  it('spans without captured content get no inputs or outputs', () => {
    for (const type of ['agent', 'function', 'turn', 'handoff', 'custom']) {
      const extra = child(type);
      expect(extra[MLFLOW.SPAN_INPUTS], type).toBeUndefined();
      expect(extra[MLFLOW.SPAN_OUTPUTS], type).toBeUndefined();
      expect(extra[MLFLOW.MESSAGE_FORMAT], type).toBeUndefined();
    }
  });
});

describe('model spans', () => {
  it('carry token usage with the total', () => {
    const extra = child('response', {
      [GEN_AI.USAGE_INPUT_TOKENS]: 120,
      [GEN_AI.USAGE_OUTPUT_TOKENS]: 30,
      [AGENTS.USAGE_TOTAL_TOKENS]: 150,
      [GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS]: 100,
    });
    expect(json(extra[MLFLOW.TOKEN_USAGE])).toEqual({
      input_tokens: 120,
      output_tokens: 30,
      total_tokens: 150,
      cache_read_input_tokens: 100,
    });
  });

  it('compute the total when the SDK gave none', () => {
    const extra = child('generation', { [GEN_AI.USAGE_INPUT_TOKENS]: 7, [GEN_AI.USAGE_OUTPUT_TOKENS]: 3 });
    expect(json(extra[MLFLOW.TOKEN_USAGE])).toEqual({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
  });

  it('have no token usage when the SDK reported none', () => {
    expect(child('response')[MLFLOW.TOKEN_USAGE]).toBeUndefined();
  });

  it('rollups (task and turn usage) are left to MLflow, so the trace total counts each call once', () => {
    const usage = { [GEN_AI.USAGE_INPUT_TOKENS]: 7, [GEN_AI.USAGE_OUTPUT_TOKENS]: 3 };
    expect(child('task', usage)[MLFLOW.TOKEN_USAGE]).toBeUndefined();
    expect(child('turn', usage)[MLFLOW.TOKEN_USAGE]).toBeUndefined();
  });

  it('list tool definitions in the Chat Completions shape MLflow shows', () => {
    const extra = child('response', {
      [GEN_AI.TOOL_DEFINITIONS]: JSON.stringify([
        { type: 'function', name: 'get_weather', description: 'Weather now', parameters: { type: 'object' }, strict: true },
        { type: 'web_search_preview' },
        { type: 'function', function: { name: 'already_chat_shaped' } },
        'not a tool',
      ]),
    });
    expect(json(extra[MLFLOW.CHAT_TOOLS])).toEqual([
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object' }, strict: true },
      },
      { type: 'function', function: { name: 'web_search_preview' } },
      { type: 'function', function: { name: 'already_chat_shaped' } },
    ]);
  });

  it('skip tool definitions that are not JSON', () => {
    expect(child('response', { [GEN_AI.TOOL_DEFINITIONS]: 'get_weather' })[MLFLOW.CHAT_TOOLS]).toBeUndefined();
  });
});

describe('session', () => {
  it('the SDK group id becomes the session, on whichever span carries it', () => {
    expect(child('task', { [GEN_AI.CONVERSATION_ID]: 'conv-1' })[MLFLOW.SESSION_ID]).toBe('conv-1');
  });

  it('is cut to MLflow’s limit: a longer one makes MLflow reject the whole batch', () => {
    const long = 'g'.repeat(400);
    expect(child('task', { [GEN_AI.CONVERSATION_ID]: long })[MLFLOW.SESSION_ID]).toBe('g'.repeat(MLFLOW_LIMITS.SESSION_ID));
    expect(toMlflowAttributes({ [MLFLOW.SESSION_ID]: long }, 'app', true)[MLFLOW.SESSION_ID]).toHaveLength(MLFLOW_LIMITS.SESSION_ID);
  });

  it('an application’s own session id within the limit is kept as it is', () => {
    const extra = toMlflowAttributes({ [MLFLOW.SESSION_ID]: 'app-session', [GEN_AI.CONVERSATION_ID]: 'conv-1' }, 'app', true);
    expect(extra[MLFLOW.SESSION_ID]).toBeUndefined();
  });
});

describe('root span: trace name and tags', () => {
  const workflowRoot: Attributes = {
    [AGENTS.TRACE_ID]: 'trace_0123',
    [GEN_AI.WORKFLOW_NAME]: 'Customer support',
    'openai.agents.metadata.customer': 'acme',
    'openai.agents.metadata.priority': 2,
    'openai.agents.metadata.flags': ['beta', 'eu'],
    'openai.agents.metadata.mlflow.traceName': 'must not override',
  };

  it('names the trace after the workflow', () => {
    expect(toMlflowAttributes(workflowRoot, 'Customer support', true)[TRACE_NAME]).toBe('Customer support');
  });

  it('turns trace metadata into tags, leaving MLflow’s own namespace alone', () => {
    const extra = toMlflowAttributes(workflowRoot, 'Customer support', true);
    expect(extra[TAG('customer')]).toBe('acme');
    expect(extra[TAG('priority')]).toBe('2');
    expect(extra[TAG('flags')]).toBe('["beta","eu"]');
    expect(extra[TRACE_NAME]).toBe('Customer support');
  });

  it('cuts names and tag values to MLflow’s limits and skips over-long tag keys', () => {
    const extra = toMlflowAttributes(
      {
        [GEN_AI.WORKFLOW_NAME]: 'n'.repeat(5000),
        'openai.agents.metadata.note': 'v'.repeat(9000),
        [`openai.agents.metadata.${'k'.repeat(300)}`]: 'x',
      },
      'root',
      true,
    );
    expect(extra[TRACE_NAME]).toHaveLength(MLFLOW_LIMITS.TRACE_NAME);
    expect(extra[TAG('note')]).toHaveLength(MLFLOW_LIMITS.TAG_VALUE);
    expect(Object.keys(extra).filter((key) => key.includes('kkk'))).toEqual([]);
  });

  it('non-root spans never carry trace-level keys, even the workflow span nested in an app span', () => {
    const extra = toMlflowAttributes(workflowRoot, 'Customer support', false);
    expect(Object.keys(extra).filter((key) => key.startsWith(MLFLOW.TRACE_TAG_PREFIX))).toEqual([]);
    expect(extra[MLFLOW.SPAN_TYPE]).toBe('CHAIN');
  });

  it('a root without a workflow name is named after itself', () => {
    expect(toMlflowAttributes({}, 'POST /chat', true)[TRACE_NAME]).toBe('POST /chat');
  });
});

describe('what the root learns from the spans below it', () => {
  const run = (input: string, output: string, attributes: Attributes = {}) =>
    ofType('task', {
      [GEN_AI.WORKFLOW_NAME]: 'Support',
      [GEN_AI.INPUT_MESSAGES]: input,
      [GEN_AI.OUTPUT_MESSAGES]: output,
      ...attributes,
    });

  it('the workflow root shows the first run’s input and the last run’s output', () => {
    let summary: TraceSummary | undefined;
    summary = summarizeForRoot(summary, run('second question', 'second answer'), 2000, 3000);
    summary = summarizeForRoot(summary, run('first question', 'first answer'), 1000, 1500);
    const root = toMlflowAttributes({ [AGENTS.TRACE_ID]: 'trace_1', [GEN_AI.WORKFLOW_NAME]: 'Support' }, 'Support', true, summary);
    expect(json(root[MLFLOW.SPAN_INPUTS])).toBe('first question');
    expect(json(root[MLFLOW.SPAN_OUTPUTS])).toBe('second answer');
    expect(root[MLFLOW.MESSAGE_FORMAT]).toBe('openai');
  });

  it('message lists are carried as a chat request and response, so MLflow previews the text of the last message', () => {
    const question = [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }];
    const answer = [{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny' }], finish_reason: 'stop' }];
    const summary = summarizeForRoot(undefined, run(JSON.stringify(question), JSON.stringify(answer)), 0, 1);
    const root = toMlflowAttributes({ [AGENTS.TRACE_ID]: 'trace_1' }, 'Support', true, summary);
    expect(json(root[MLFLOW.SPAN_INPUTS])).toEqual({ messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    expect(json(root[MLFLOW.SPAN_OUTPUTS])).toMatchObject({ choices: [{ message: { role: 'assistant', content: 'Sunny' } }] });
  });

  it('an application root above the agent run gets the workflow’s name, metadata and request', () => {
    let summary: TraceSummary | undefined;
    summary = summarizeForRoot(summary, run('hello', 'hi'), 1000, 2000);
    const workflow = {
      [AGENTS.TRACE_ID]: 'trace_1',
      [GEN_AI.WORKFLOW_NAME]: 'Support',
      'openai.agents.metadata.customer': 'acme',
    };
    summary = summarizeForRoot(summary, workflow, 900, 2100);
    const appRoot = toMlflowAttributes({ 'http.route': '/chat' }, 'POST /chat', true, summary);
    expect(appRoot[TRACE_NAME]).toBe('Support');
    expect(appRoot[TAG('customer')]).toBe('acme');
    expect(json(appRoot[MLFLOW.SPAN_INPUTS])).toBe('hello');
    expect(appRoot[MLFLOW.SPAN_TYPE]).toBeUndefined();
  });

  it('a root’s own content and metadata win over what it learned', () => {
    const summary = summarizeForRoot(undefined, run('from the run', 'run answer'), 0, 1);
    const root = toMlflowAttributes(
      {
        [AGENTS.TRACE_ID]: 'trace_1',
        [GEN_AI.INPUT_MESSAGES]: 'own input',
      },
      'Support',
      true,
      summary,
    );
    expect(json(root[MLFLOW.SPAN_INPUTS])).toBe('own input');
    expect(root[MLFLOW.SPAN_OUTPUTS]).toBeUndefined();
  });

  it('spans other than runs and workflows tell the root nothing', () => {
    const before: TraceSummary = { tags: {} };
    expect(summarizeForRoot(before, ofType('agent', { [GEN_AI.INPUT_MESSAGES]: 'x' }), 0, 1)).toBe(before);
    expect(summarizeForRoot(undefined, { 'http.route': '/x' }, 0, 1)).toBeUndefined();
  });
});
