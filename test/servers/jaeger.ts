/**
 * Jaeger v2 (all-in-one) built from the Go module proxy and run with in-memory storage, bound to
 * loopback only.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, exists, installAtomically } from './cache.js';
import { LOOPBACK, acceptsConnections, answersOk, freePorts } from './network.js';
import { runCommand, startServerProcess, waitUntilReady, type ServerProcess } from './process.js';
import { logToConsole, timedStep, type LogLine } from './progress.js';

const MODULE = 'github.com/jaegertracing/jaeger';
/** The newest tag the Go module proxy serves; it is the Jaeger v2 code line. */
export const JAEGER_VERSION = 'v1.76.0';

const STARTUP_TIMEOUT_MS = 60_000;

export interface EnsureOptions {
  log?: LogLine;
}

/** Path of the cached Jaeger binary, building it first when missing. */
export async function ensureJaeger(options: EnsureOptions = {}): Promise<string> {
  const log = options.log ?? logToConsole;
  const entry = join(cacheDir(), `jaeger-${JAEGER_VERSION}`);
  const binary = join(entry, 'jaeger');
  if (await exists(binary)) return binary;

  await mkdir(entry, { recursive: true });
  const logFile = join(entry, 'install.log');
  await writeFile(logFile, '');
  await installAtomically(binary, async (tempBinary) => {
    // `go install` refuses this module (its go.mod has a replace directive): build inside the
    // downloaded module instead.
    const download = await timedStep(
      log,
      'jaeger',
      `downloading ${MODULE} ${JAEGER_VERSION} …`,
      'downloaded',
      () =>
        runCommand('go', ['mod', 'download', '-json', `${MODULE}@${JAEGER_VERSION}`], {
          cwd: entry,
          logFile,
        }),
    );
    const moduleDir = (JSON.parse(download) as { Dir?: string }).Dir;
    if (!moduleDir) throw new Error(`go mod download gave no module directory (see ${logFile})`);
    await timedStep(
      log,
      'jaeger',
      `building ${MODULE} ${JAEGER_VERSION} … (this takes a few minutes the first time)`,
      'built',
      () =>
        runCommand(
          'go',
          [
            'build',
            '-trimpath',
            '-ldflags',
            `-X ${MODULE}/internal/version.latestVersion=${JAEGER_VERSION}`,
            '-o',
            tempBinary,
            './cmd/jaeger',
          ],
          {
            cwd: moduleDir,
            logFile,
            env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
          },
        ),
    );
  });
  return binary;
}

export interface JaegerServer {
  /** OTLP/gRPC receiver, with the scheme so exporters do not switch to TLS. */
  readonly otlpGrpcUrl: string;
  /** OTLP/HTTP receiver base; traces go to `${otlpHttpUrl}/v1/traces`. */
  readonly otlpHttpUrl: string;
  /** Query API base (`/api/traces/{id}`, `/api/v3/traces/{id}`). */
  readonly queryUrl: string;
  /** Stops Jaeger and waits for it to exit. Stored traces are gone. */
  stop(): Promise<void>;
  /** Starts Jaeger again on the same ports (stopping it first if it runs), with empty storage. */
  restart(): Promise<void>;
}

interface JaegerPorts {
  query: number;
  queryGrpc: number;
  otlpGrpc: number;
  otlpHttp: number;
}

/**
 * Every listener Jaeger opens is named here with a loopback address. Left out on purpose: the
 * batch processor (spans are queryable at once), Jaeger's self-tracing (it would export to a
 * default OTLP port) and the collector's own metrics endpoint.
 */
function jaegerConfig(ports: JaegerPorts): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: info
extensions:
  jaeger_storage:
    backends:
      memory_store:
        memory:
          max_traces: 100000
  jaeger_query:
    enable_tracing: false
    storage:
      traces: memory_store
    http:
      endpoint: ${LOOPBACK}:${ports.query}
    grpc:
      endpoint: ${LOOPBACK}:${ports.queryGrpc}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${LOOPBACK}:${ports.otlpGrpc}
      http:
        endpoint: ${LOOPBACK}:${ports.otlpHttp}
exporters:
  jaeger_storage_exporter:
    trace_storage: memory_store
`;
}

/** Installs Jaeger if needed, starts it on free loopback ports and waits until it answers. */
export async function startJaeger(options: EnsureOptions = {}): Promise<JaegerServer> {
  const binary = await ensureJaeger(options);
  const ports: JaegerPorts = await freePorts(['query', 'queryGrpc', 'otlpGrpc', 'otlpHttp']);
  const workDir = await mkdtemp(join(tmpdir(), 'agents-tracing-jaeger-'));
  const queryUrl = `http://${LOOPBACK}:${ports.query}`;
  let server: ServerProcess | undefined;

  const launch = async (): Promise<void> => {
    await mkdir(workDir, { recursive: true });
    const configFile = join(workDir, 'config.yaml');
    await writeFile(configFile, jaegerConfig(ports));
    server = startServerProcess(binary, ['--config', configFile], {
      cwd: workDir,
      logFile: join(workDir, 'jaeger.log'),
    });
    await waitUntilReady(
      server,
      'Jaeger',
      async () =>
        (await answersOk(`${queryUrl}/api/services`)) &&
        (await acceptsConnections(ports.otlpGrpc)) &&
        (await acceptsConnections(ports.otlpHttp)),
      STARTUP_TIMEOUT_MS,
    );
  };
  const halt = async (): Promise<void> => {
    await server?.stop();
    server = undefined;
  };

  try {
    await launch();
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  return {
    otlpGrpcUrl: `http://${LOOPBACK}:${ports.otlpGrpc}`,
    otlpHttpUrl: `http://${LOOPBACK}:${ports.otlpHttp}`,
    queryUrl,
    async stop() {
      await halt();
      await rm(workDir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch();
    },
  };
}
