/**
 * Run params that tell two agent versions apart: the agents' names, the models they called, and a
 * hash of each agent's instructions and tools. Read from the recorded spans. Pure.
 */
import { createHash } from 'node:crypto';
import { AGENTS, GEN_AI, type SpanTreeNode } from '@agents-tracing/processor';

const MAX_PARAM_VALUE = 6000;

/** Adds what these trees show to `params`; a key keeps its first value. */
export function collectAgentParams(trees: readonly SpanTreeNode[], params: Map<string, string>): void {
  const agents = new Set(splitList(params.get('agents')));
  const models = new Set(splitList(params.get('models')));
  const visit = (node: SpanTreeNode, agent: string | undefined): void => {
    const type = node.attributes[AGENTS.SPAN_TYPE];
    let current = agent;
    if (type === 'agent') {
      current = String(node.attributes[GEN_AI.AGENT_NAME] ?? node.name.replace(/^invoke_agent /, ''));
      agents.add(current);
      const tools = node.attributes[AGENTS.AGENT_TOOLS];
      if (tools !== undefined) setOnce(params, `agent.${current}.tools_sha256`, hash(JSON.stringify(tools)));
    }
    if (type === 'generation' || type === 'response') {
      const model = node.attributes[GEN_AI.REQUEST_MODEL] ?? node.attributes[GEN_AI.RESPONSE_MODEL];
      if (model !== undefined) models.add(String(model));
      const instructions = node.attributes[GEN_AI.SYSTEM_INSTRUCTIONS];
      if (current && instructions !== undefined) {
        setOnce(params, `agent.${current}.instructions_sha256`, hash(String(instructions)));
      }
    }
    for (const child of node.children) visit(child, current);
  };
  for (const root of trees) visit(root, undefined);
  if (agents.size > 0) params.set('agents', clip([...agents].join(', ')));
  if (models.size > 0) params.set('models', clip([...models].join(', ')));
}

function setOnce(params: Map<string, string>, key: string, value: string): void {
  if (!params.has(key)) params.set(key.slice(0, 250), value);
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);
const clip = (text: string): string => (text.length > MAX_PARAM_VALUE ? text.slice(0, MAX_PARAM_VALUE) : text);
const splitList = (text: string | undefined): string[] => (text ? text.split(', ') : []);
