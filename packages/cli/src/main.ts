/** `agents-tracing <command> <trace-id> [options]`: argument handling and exit codes. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT, keyFrom, reportCommand, treeCommand, verifyCommand, type CommandResult } from './commands.js';
import { JAEGER_QUERY_URL_ENV, describeSource, sourceConfig } from './config.js';
import { CliError } from './errors.js';
import { feedbackCommand } from './feedback-command.js';
import { startProgress } from './progress.js';
import { readTrace } from './sources/index.js';
import { parseTraceId } from './trace-id.js';

export const USAGE = `usage: agents-tracing <command> <trace-id> [options]

commands:
  verify <trace-id>   re-read the trace and check it against its audit digest
                      exit 0: OK; 1: changed, missing or extra spans, or no digest; 2: cannot read or check;
                      3: the key given is not the one that made the digest
  tree <trace-id>     print the span tree (durations, tokens, errors and tripped guardrails marked)
  report <trace-id>   write a self-contained HTML report: span tree, timing waterfall, span details
  feedback <trace-id> --name NAME --value VALUE
                      log feedback (or, with --expectation, the expected answer) on the trace in MLflow

<trace-id> is trace_<32 hex> (as the Agents SDK prints it), tr-<32 hex> (MLflow) or the 32 hex.

options:
  --from mlflow|jaeger|file  where to read the trace (default: mlflow if MLFLOW_TRACKING_URI is set,
                             else jaeger if ${JAEGER_QUERY_URL_ENV} is set, else file)
  --file PATH                the trace file (default traces/agent-traces.otlp.jsonl)
  --jaeger-url URL           Jaeger's query URL (default ${JAEGER_QUERY_URL_ENV}), e.g. http://127.0.0.1:16686
  --mlflow-uri URI           MLflow tracking server (default MLFLOW_TRACKING_URI; MLFLOW_TRACKING_TOKEN or
                             MLFLOW_TRACKING_USERNAME and _PASSWORD authenticate, as for the exporter)
  --wait SECONDS             how long to wait for a trace that is not there yet (default 10)
  --key-file PATH            the audit key of a keyed digest (default AGENTS_TRACING_AUDIT_KEY)
  --digest HEX               a copy of the digest kept elsewhere: the trace must carry this one
  --allow-uncovered          spans the digest does not cover (your own spans) are listed, not failed
  --json                     verify, tree: print JSON
  -o, --out PATH             report: the HTML file to write (default trace-<id>.html)
  --name, --value            feedback: what is judged and its value (true, false, a number, text or JSON)
  --rationale TEXT           feedback: why
  --source WHO               feedback: who gave it (default $USER)
  --expectation              feedback: log an expectation (ground truth) instead
  -q, --quiet                no progress on stderr
  -h, --help`;

const OPTIONS = {
  from: { type: 'string' },
  file: { type: 'string' },
  'jaeger-url': { type: 'string' },
  'mlflow-uri': { type: 'string' },
  wait: { type: 'string' },
  'key-file': { type: 'string' },
  digest: { type: 'string' },
  'allow-uncovered': { type: 'boolean' },
  json: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  name: { type: 'string' },
  value: { type: 'string' },
  rationale: { type: 'string' },
  source: { type: 'string' },
  expectation: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where progress is drawn; undefined for none. */
  progressStream: NodeJS.WriteStream | undefined;
}

const defaultIo = (): CliIo => ({
  env: process.env,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  progressStream: process.stderr,
});

function waitMs(value: string | undefined): number {
  if (value === undefined) return 10_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new CliError(`--wait takes seconds, not "${value}"`);
  return seconds * 1000;
}

async function readKeyFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`the key file ${path} does not exist (--key-file)`);
    if (code === 'EISDIR') throw new CliError(`--key-file ${path} is a folder: give the file that holds the key`);
    if (code === 'EACCES' || code === 'EPERM') throw new CliError(`cannot read the key file ${path}: permission denied`);
    throw new CliError(`cannot read the key file ${path}: ${(error as Error).message}`);
  }
  const key = text.trim();
  if (key === '') throw new CliError(`the key file ${path} is empty`);
  return key;
}

async function run(argv: readonly string[], io: CliIo): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  const [command, rawId, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { output: USAGE, exitCode: EXIT.OK };
  if (!['verify', 'tree', 'report', 'feedback'].includes(command)) throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
  if (rawId === undefined) throw new CliError(`${command} needs a trace id\n\n${USAGE}`);
  if (rest.length > 0) throw new CliError(`unexpected arguments: ${rest.join(' ')}`);
  const traceId = parseTraceId(rawId);
  if (command === 'feedback') {
    return feedbackCommand(
      {
        traceId,
        name: values.name,
        value: values.value,
        rationale: values.rationale,
        source: values.source,
        expectation: values.expectation ?? false,
        mlflowUri: values['mlflow-uri'],
        waitMs: waitMs(values.wait),
        json: values.json ?? false,
      },
      io.env,
    );
  }
  const config = sourceConfig(
    { from: values.from, file: values.file, jaegerUrl: values['jaeger-url'], mlflowUri: values['mlflow-uri'] },
    io.env,
  );
  const digest = values.digest?.trim();
  if (digest !== undefined && !/^[0-9a-f]{64}$/i.test(digest)) {
    throw new CliError(`--digest takes the 64 hex characters of a digest, not "${values.digest}"`);
  }
  const keySecret = values['key-file'] ? await readKeyFile(values['key-file']) : undefined;
  const settings = {
    key: keyFrom(keySecret, io.env),
    ...(digest ? { digest } : {}),
    allowUncovered: values['allow-uncovered'] ?? false,
  };

  const progress = startProgress(`reading trace ${traceId} from ${describeSource(config)}`, values.quiet ? undefined : io.progressStream);
  let trace;
  try {
    trace = await readTrace(config, traceId, { waitMs: waitMs(values.wait), progress, env: io.env });
  } finally {
    progress.done();
  }
  switch (command) {
    case 'verify':
      return verifyCommand(trace, settings, values.json ?? false);
    case 'tree':
      return treeCommand(trace, values.json ?? false);
    default:
      return reportCommand(trace, settings, values.out ?? `trace-${traceId}.html`);
  }
}

/** Runs one command; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    const result = await run(argv, io);
    io.stdout(result.output);
    return result.exitCode;
  } catch (error) {
    // Messages only: a stack trace tells a user nothing they can act on.
    io.stderr(`agents-tracing: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.CANNOT_READ;
  }
}
