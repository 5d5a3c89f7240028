/**
 * `./run demo:eval`: six questions evaluated against two versions of the concierge in MLflow —
 * the demo's triage, and one with a sloppier prompt that sends every question to the travel
 * agent — then the two runs side by side and where to see them in the MLflow UI.
 */
import { Agent, OpenAIResponsesModel, handoff, run } from '@openai/agents';
import OpenAI from 'openai';
import { startScriptedOpenAI, type ScriptedResponder } from '@agents-tracing/testing';
import { evaluate, formatComparison, scorer, type EvaluationCase } from '@agents-tracing/evaluation';
import { AGENT_NAMES, buildDemoAgents } from './agents.js';
import { SCRIPTED_MODEL_NAME } from './run-demo.js';
import { demoScript } from './script.js';

const SLOPPY_TRIAGE = 'You are a concierge. Hand every question to the travel agent.';

interface Question {
  question: string;
}

const DATASET: EvaluationCase<Question>[] = [
  { inputs: { question: 'What is the weather in Paris?' }, expectations: { agent: AGENT_NAMES.weather, city: 'Paris' } },
  { inputs: { question: 'Will it rain in Oslo tomorrow?' }, expectations: { agent: AGENT_NAMES.weather, city: 'Oslo' } },
  { inputs: { question: 'Is it sunny in Rome?' }, expectations: { agent: AGENT_NAMES.weather, city: 'Rome' } },
  { inputs: { question: 'Book me two nights in Lisbon.' }, expectations: { agent: AGENT_NAMES.travel, city: 'Lisbon' } },
  { inputs: { question: 'Plan a trip to Berlin.' }, expectations: { agent: AGENT_NAMES.travel, city: 'Berlin' } },
  { inputs: { question: 'I want to travel to Tokyo.' }, expectations: { agent: AGENT_NAMES.travel, city: 'Tokyo' } },
];

const scorers = [
  scorer<Question, string>('routed_right', (r) => r.agents().includes(String(r.expectations.agent))),
  scorer<Question, string>('mentions_city', (r) => String(r.outputs ?? '').includes(String(r.expectations.city))),
  scorer<Question, string>('one_tool_call_per_tool', (r) => {
    const names = r.toolCalls().map((s) => String(s.attributes['gen_ai.tool.name']));
    return { value: names.length > 0 && new Set(names).size === names.length, rationale: names.join(', ') || 'no tools' };
  }),
  scorer<Question, string>('no_guardrail_tripped', (r) => r.guardrailTrips().length === 0),
];

/** The demo's scripted model, plus the sloppy triage's routing. */
function script(): ScriptedResponder {
  const demo = demoScript();
  const toTravel = handoff(new Agent({ name: AGENT_NAMES.travel })).toolName;
  return (request) => (request.instructions?.startsWith(SLOPPY_TRIAGE) ? { toolCalls: [{ name: toTravel }], usage: { inputTokens: 90, outputTokens: 8 } } : demo(request));
}

const scripted = await startScriptedOpenAI(script());
try {
  const model = new OpenAIResponsesModel(new OpenAI({ baseURL: scripted.baseURL, apiKey: 'scripted-model' }), SCRIPTED_MODEL_NAME);
  const agents = buildDemoAgents(model);
  const versions = [
    { name: 'concierge-v1', triage: agents.triage },
    { name: 'concierge-v2-sloppy-prompt', triage: agents.triage.clone({ instructions: SLOPPY_TRIAGE }) },
  ];
  const results = [];
  for (const version of versions) {
    results.push(
      await evaluate({
        name: version.name,
        experiment: process.env.MLFLOW_EXPERIMENT_NAME?.trim() || 'agents-demo',
        agentVersion: { name: version.name },
        data: DATASET,
        task: async ({ question }: Question) => String((await run(version.triage, question)).finalOutput),
        scorers,
        concurrency: 3,
      }),
    );
  }
  console.log(`\n${formatComparison(results.map((r, i) => ({ title: versions[i]?.name ?? r.runId, metrics: r.metrics })))}`);
  const [first] = results;
  if (first) {
    const base = first.url.split('/#/')[0];
    console.log(`\nEvaluation runs: ${base}/#/experiments/${first.experimentId}/evaluation-runs`);
    console.log(`Agent versions:  ${base}/#/experiments/${first.experimentId}/models`);
  }
} finally {
  await scripted.close();
}
