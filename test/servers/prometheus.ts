/**
 * Prometheus 3 built from the Go module proxy and run with its OTLP receiver, bound to loopback
 * only. Built without service discovery plugins (`remove_all_sd`): nothing here scrapes, and the
 * build is several times faster. Its web UI assets are not part of a module build; the HTTP API
 * (`/api/v1/query`, `/api/v1/series`) is what the tests and the demo read.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, exists, installAtomically } from './cache.js';
import { LOOPBACK, answersOk, freePorts } from './network.js';
import { runCommand, startServerProcess, waitUntilReady, type ServerProcess } from './process.js';
import { logToConsole, timedStep, type LogLine } from './progress.js';

const MODULE = 'github.com/prometheus/prometheus';
/** Module v0.316.0 is Prometheus 3.16.0. */
export const PROMETHEUS_VERSION = 'v0.316.0';
const RELEASE = '3.16.0';

const STARTUP_TIMEOUT_MS = 60_000;

export interface EnsureOptions {
  log?: LogLine;
}

/** Path of the cached Prometheus binary, building it first when missing. */
export async function ensurePrometheus(options: EnsureOptions = {}): Promise<string> {
  const log = options.log ?? logToConsole;
  const entry = join(cacheDir(), `prometheus-${PROMETHEUS_VERSION}`);
  const binary = join(entry, 'prometheus');
  if (await exists(binary)) return binary;

  await installAtomically(entry, async (tempDir) => {
    await mkdir(tempDir, { recursive: true });
    const logFile = join(tempDir, 'install.log');
    await writeFile(logFile, '');
    await timedStep(
      log,
      'prometheus',
      `building ${MODULE} ${PROMETHEUS_VERSION} … (this takes a few minutes the first time)`,
      'built',
      () =>
        runCommand(
          'go',
          [
            'install',
            '-trimpath',
            '-tags',
            'remove_all_sd',
            '-ldflags',
            `-X github.com/prometheus/common/version.Version=${RELEASE}`,
            `${MODULE}/cmd/prometheus@${PROMETHEUS_VERSION}`,
          ],
          { cwd: tempDir, logFile, env: { ...process.env, CGO_ENABLED: '0', GOBIN: tempDir, GOTOOLCHAIN: 'auto' } },
        ),
    );
  });
  return binary;
}

export interface StartPrometheusOptions extends EnsureOptions {
  /** Alerting and recording rules to load, as YAML texts. */
  rules?: string[];
}

export interface PrometheusServer {
  /** HTTP API base (`/api/v1/query`, `/api/v1/series`). */
  readonly url: string;
  /** Where OTLP/HTTP metrics go: `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, used as given. */
  readonly otlpMetricsUrl: string;
  /** Stops Prometheus and removes its storage. */
  stop(): Promise<void>;
}

/**
 * No scrape jobs: metrics arrive over OTLP only. Out-of-order samples are accepted because OTLP
 * pushes from several processes do not arrive in time order.
 */
const config = (ruleFiles: string[]) => `global:
  evaluation_interval: 15s
${ruleFiles.length > 0 ? `rule_files:\n${ruleFiles.map((f) => `  - ${f}`).join('\n')}\n` : ''}otlp:
  translation_strategy: UnderscoreEscapingWithSuffixes
storage:
  tsdb:
    out_of_order_time_window: 30m
`;

/** Installs Prometheus if needed, starts it on a free loopback port and waits until it is ready. */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<PrometheusServer> {
  const binary = await ensurePrometheus(options);
  const { web } = await freePorts(['web']);
  const workDir = await mkdtemp(join(tmpdir(), 'agents-tracing-prometheus-'));
  const url = `http://${LOOPBACK}:${web}`;
  let server: ServerProcess | undefined;
  try {
    const configFile = join(workDir, 'prometheus.yml');
    const ruleFiles = await Promise.all(
      (options.rules ?? []).map(async (rules, i) => {
        const file = join(workDir, `rules-${i}.yml`);
        await writeFile(file, rules);
        return file;
      }),
    );
    await writeFile(configFile, config(ruleFiles));
    server = startServerProcess(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(workDir, 'data')}`,
        `--web.listen-address=${LOOPBACK}:${web}`,
        '--web.enable-otlp-receiver',
      ],
      { cwd: workDir, logFile: join(workDir, 'prometheus.log') },
    );
    await waitUntilReady(server, 'Prometheus', () => answersOk(`${url}/-/ready`), STARTUP_TIMEOUT_MS);
  } catch (error) {
    await server?.stop();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    otlpMetricsUrl: `${url}/api/v1/otlp/v1/metrics`,
    async stop() {
      await server?.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
