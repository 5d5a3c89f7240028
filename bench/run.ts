/**
 * `pnpm bench [--quick] [--transport=http] [--no-jaeger]`, or `pnpm bench --profile [--config=<id>]`
 *
 * Measures what tracing costs an OpenAI Agents SDK run: ours against tracing disabled, a no-op
 * processor and the peers, on four workloads; heap per open span; export throughput into Jaeger.
 * A full run writes docs/benchmarks.md; every run prints the report.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startJaeger, type JaegerServer } from '../test/servers/index.js';
import { buildConfigs, type ConfigId, type TracingConfig } from './configs/index.js';
import { measureConversation, type ConversationMeasurement } from './measure/conversation.js';
import { measureExportPipeline, measureLiveExport, recordSpans, type ExportMeasurement } from './measure/export.js';
import { canCollectGarbage } from './measure/gc.js';
import { measureHeap, OPEN_SPANS } from './measure/heap.js';
import { heapCandidates } from './measure/heap-subjects.js';
import { measureRuns, type RunMeasurement } from './measure/runs.js';
import { seededRandom } from './measure/stats.js';
import { httpModels, inProcessModels, type ScriptedModels } from './model/models.js';
import { runProfile } from './profile/run-profile.js';
import { analyseConversation, analyseRuns } from './report/analyse.js';
import { describeEnvironment } from './report/environment.js';
import { renderReport, type Accounting, type HeapRow } from './report/markdown.js';
import { checkTargets } from './report/targets.js';
import { buildWorkloads, type RunWorkload } from './workloads/index.js';

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

const SETTINGS = {
  full: {
    runs: { samples: 25, budgetMs: 25_000, sampleMs: 40, warmupMs: 400 },
    conversation: { samples: 3, warmupTurns: 20 },
    heapRepeats: 3,
    exportSpans: 24_000,
    liveRuns: 200,
  },
  quick: {
    runs: { samples: 8, budgetMs: 6_000, sampleMs: 20, warmupMs: 200 },
    conversation: { samples: 1, warmupTurns: 10 },
    heapRepeats: 1,
    exportSpans: 6_000,
    liveRuns: 60,
  },
};

/** Runs of (b) whose spans, copied under fresh trace ids, make up the export bursts. */
const RECORDED_RUNS = 50;

/** Export measured through each of these; the first two are judged against the throughput target. */
const EXPORT_PIPELINES = [
  ['batch', 'http/protobuf'],
  ['delivery', 'http/protobuf'],
  ['batch', 'grpc'],
  ['delivery', 'grpc'],
] as const;

/** The long conversation costs the SDK itself O(turns²): it runs with the baseline, ours and the peers only. */
const CONVERSATION_CONFIGS: readonly ConfigId[] = ['noop', 'ours', 'arize', 'braintrust'];

const began = performance.now();
const loadAtStart = loadavg()[0] ?? 0;
const log = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    transport: { type: 'string', default: 'in-process' },
    'no-jaeger': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    config: { type: 'string', default: 'ours' },
  },
});
if (args.transport !== 'in-process' && args.transport !== 'http') {
  throw new Error(`--transport must be in-process or http, not ${args.transport}`);
}

async function startJaegerOrExplain(): Promise<{ jaeger?: JaegerServer; note?: string }> {
  if (args['no-jaeger']) return { note: 'Not measured: run without Jaeger (--no-jaeger).' };
  try {
    log('starting Jaeger …');
    return { jaeger: await startJaeger({ log: (line) => log(line) }) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`Jaeger could not start, measuring without it: ${reason}`);
    return { note: `Not measured: Jaeger could not start (${reason.split('\n')[0]}).` };
  }
}

function conversationSpans(talk: ConversationMeasurement | undefined, config: TracingConfig): number {
  const samples = talk?.turns.get(config.id)?.length;
  if (!talk || samples === undefined) return 0;
  const { turns, spansPerTurn } = talk.workload;
  return samples * (turns * spansPerTurn + 1) + talk.warmupTurns * spansPerTurn + 1;
}

function accounting(configs: readonly TracingConfig[], runs: RunMeasurement[], talk: ConversationMeasurement | undefined) {
  const expected = (config: TracingConfig) =>
    runs.reduce((sum, m) => sum + (m.runs.get(config.id) ?? 0) * m.workload.spansPerRun, 0) + conversationSpans(talk, config);
  return Promise.all(
    configs
      .filter((c) => c.id.startsWith('ours'))
      .map(async (c): Promise<Accounting> => ({ config: c.id, expected: expected(c), delivered: await c.delivered() })),
  );
}

async function main(): Promise<void> {
  if (args.profile) {
    await runProfile(args.config as ConfigId, log);
    return;
  }
  if (!canCollectGarbage) log('node runs without --expose-gc: samples start unsettled and the heap is not measured');
  const settings = args.quick ? SETTINGS.quick : SETTINGS.full;
  const random = seededRandom(20_260_101);
  const { jaeger, note } = await startJaegerOrExplain();
  const models: ScriptedModels = args.transport === 'http' ? await httpModels() : inProcessModels();
  const configs = await buildConfigs({ jaegerOtlpHttpUrl: jaeger?.otlpHttpUrl });
  const workloads = buildWorkloads(models);

  try {
    const runMeasurements: RunMeasurement[] = [];
    let talk: ConversationMeasurement | undefined;
    for (const workload of workloads) {
      log(`(${workload.id}) ${workload.title} …`);
      if (workload.kind === 'runs') {
        runMeasurements.push(await measureRuns(workload, configs, { ...settings.runs, random }));
      } else {
        const chosen = configs.filter((c) => CONVERSATION_CONFIGS.includes(c.id));
        talk = await measureConversation(workload, chosen, { ...settings.conversation, random });
      }
    }

    let heap: HeapRow[] | undefined;
    if (canCollectGarbage) {
      log(`heap with ${OPEN_SPANS} spans in flight …`);
      const readings = [];
      for (const candidate of await heapCandidates()) {
        readings.push({ candidate, bytes: await measureHeap(() => candidate.make(), settings.heapRepeats) });
      }
      const noopBytes = readings.find((r) => r.candidate.config === 'noop')?.bytes ?? 0;
      heap = readings
        .filter((r) => r.candidate.config !== 'noop')
        .map((r) => ({ config: r.candidate.config, label: r.candidate.label, bytes: r.bytes - noopBytes, spans: OPEN_SPANS }));
    }

    const exports: ExportMeasurement[] = [];
    const handoffs = workloads.find((w): w is RunWorkload => w.kind === 'runs' && w.id === 'b');
    if (jaeger && handoffs) {
      const recorded = await recordSpans(handoffs, RECORDED_RUNS);
      for (const [processing, protocol] of EXPORT_PIPELINES) {
        log(`export into Jaeger: ${processing} span processor, OTLP ${protocol} …`);
        exports.push(await measureExportPipeline(jaeger, recorded, settings.exportSpans, processing, protocol));
      }
      for (const processing of ['batch', 'delivery'] as const) {
        log(`live runs exporting into Jaeger: ${processing} span processor …`);
        exports.push(await measureLiveExport(jaeger, handoffs, settings.liveRuns, processing));
      }
    }

    const runs = runMeasurements.map((m) => analyseRuns(m, configs));
    const conversation = talk ? analyseConversation(talk, configs.filter((c) => talk.turns.has(c.id))) : undefined;
    const report = renderReport({
      environment: describeEnvironment(),
      command: ['pnpm bench', ...process.argv.slice(2)].join(' '),
      transport: models.transport,
      date: new Date().toISOString().slice(0, 10),
      durationSeconds: (performance.now() - began) / 1000,
      loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
      targets: checkTargets(runs, conversation, exports.slice(0, 2)),
      runs,
      conversation,
      heap,
      exports,
      exportNote: note,
      accounting: await accounting(configs, runMeasurements, talk),
    });
    process.stdout.write(`${report}\n`);
    if (!args.quick) {
      await writeFile(DOC, report);
      log(`written to docs/benchmarks.md`);
    }
  } finally {
    for (const config of configs) await config.shutdown();
    await models.close();
    await jaeger?.stop();
  }
}

await main();
