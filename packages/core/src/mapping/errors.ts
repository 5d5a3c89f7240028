/**
 * The `exception.type` / `error.type` of a span the SDK marked as failed. The SDK gives a message
 * and free-form data, not a type: a type the data names is taken, else one per span type, so the
 * value stays low-cardinality (a message never becomes a type).
 */
const ERROR_TYPE_BY_SPAN_TYPE: Readonly<Record<string, string>> = {
  task: 'AgentRunError',
  agent: 'AgentError',
  turn: 'AgentTurnError',
  function: 'ToolCallError',
  generation: 'ModelCallError',
  response: 'ModelCallError',
  handoff: 'HandoffError',
  guardrail: 'GuardrailError',
  mcp_tools: 'MCPListToolsError',
  transcription: 'TranscriptionError',
  speech: 'SpeechError',
  speech_group: 'SpeechError',
};

export function errorTypeFor(spanType: string, data: Record<string, unknown> | undefined): string {
  const named = data?.type ?? data?.name ?? data?.error_type;
  if (typeof named === 'string' && /^[\w.$:-]{1,127}$/.test(named)) return named;
  return ERROR_TYPE_BY_SPAN_TYPE[spanType] ?? 'AgentsSpanError';
}
