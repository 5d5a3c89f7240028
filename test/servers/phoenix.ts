/**
 * An Arize Phoenix server from a cached virtualenv, with a throwaway SQLite store in its working
 * directory, bound to loopback only. Traces come in over OTLP/HTTP on the same port as the UI.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, exists, installAtomically } from './cache.js';
import { LOOPBACK, answersOk, freePorts } from './network.js';
import { runCommand, startServerProcess, waitUntilReady } from './process.js';
import { logToConsole, timedStep, type LogLine } from './progress.js';

export const PHOENIX_VERSION = '20.26.1';

/** A fresh store runs its schema migrations before the server answers. */
const STARTUP_TIMEOUT_MS = 120_000;

/**
 * `phoenix serve`, without its OTLP/gRPC receiver. Phoenix binds that receiver to every interface
 * (`[::]`) whatever PHOENIX_HOST says, and offers no setting to move or disable it short of
 * read-only mode, which refuses traces too; so the launcher constructs it disabled, through the
 * `disabled` switch Phoenix's own read-only mode uses.
 */
const LAUNCHER = `
import sys
from phoenix.server.grpc_server import GrpcServer

_init = GrpcServer.__init__

def _without_grpc(self, *args, **kwargs):
    _init(self, *args, **{**kwargs, "disabled": True})

GrpcServer.__init__ = _without_grpc

from phoenix.server.main import main

sys.argv = ["phoenix", "serve"]
main()
`;

export interface EnsureOptions {
  log?: LogLine;
}

/** The cached virtualenv's python, installing Phoenix first when missing. */
export async function ensurePhoenix(options: EnsureOptions = {}): Promise<string> {
  const log = options.log ?? logToConsole;
  const entry = join(cacheDir(), `phoenix-${PHOENIX_VERSION}`);
  const venv = join(entry, 'venv');
  // Run as `python -c …` only: the console scripts pip writes would name the temporary path.
  const python = join(venv, 'bin', 'python');
  if (await exists(python)) return python;

  await mkdir(entry, { recursive: true });
  const logFile = join(entry, 'install.log');
  await writeFile(logFile, '');
  await installAtomically(venv, async (tempVenv) => {
    await timedStep(log, 'phoenix', 'creating a Python virtualenv …', 'created', () =>
      runCommand('python3', ['-m', 'venv', tempVenv], { logFile }),
    );
    await timedStep(
      log,
      'phoenix',
      `installing arize-phoenix ${PHOENIX_VERSION} … (a minute or two the first time)`,
      'installed',
      () =>
        runCommand(
          join(tempVenv, 'bin', 'python'),
          ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `arize-phoenix==${PHOENIX_VERSION}`],
          { logFile },
        ),
    );
  });
  return python;
}

export interface PhoenixServer {
  /** `http://127.0.0.1:<port>`: the UI, REST under `/v1`, GraphQL at `/graphql`. */
  readonly url: string;
  /** Where OTLP/HTTP traces go; the project is named by the `x-project-name` header. */
  readonly otlpTracesUrl: string;
  /** The server's process id. */
  readonly pid: number;
  /** Stops the server and removes its working directory. */
  stop(): Promise<void>;
}

/** Installs Phoenix if needed, starts it on a free loopback port, waits until it answers. */
export async function startPhoenix(options: EnsureOptions = {}): Promise<PhoenixServer> {
  const python = await ensurePhoenix(options);
  const { port } = await freePorts(['port']);
  const workDir = await mkdtemp(join(tmpdir(), 'agents-tracing-phoenix-'));
  const url = `http://${LOOPBACK}:${port}`;
  const server = startServerProcess(python, ['-c', LAUNCHER], {
    cwd: workDir,
    logFile: join(workDir, 'phoenix.log'),
    env: {
      ...process.env,
      PHOENIX_WORKING_DIR: workDir,
      PHOENIX_HOST: LOOPBACK,
      PHOENIX_PORT: String(port),
      PHOENIX_TELEMETRY_ENABLED: 'false',
      // No web fonts or other requests to the internet from the server or the UI it serves.
      PHOENIX_ALLOW_EXTERNAL_RESOURCES: 'false',
      // The built-in assistant, its shell tool and the MCP endpoint are not used here.
      PHOENIX_DISABLE_AGENT_ASSISTANT: 'true',
      PHOENIX_AGENTS_DISABLE_BASH: 'true',
      PHOENIX_ENABLE_MCP_SERVER: 'false',
      PHOENIX_LOG_MIGRATIONS: 'false',
      PYTHONUNBUFFERED: '1',
    },
  });
  try {
    await waitUntilReady(server, 'Phoenix', () => answersOk(`${url}/healthz`), STARTUP_TIMEOUT_MS);
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    otlpTracesUrl: `${url}/v1/traces`,
    pid: server.pid,
    async stop() {
      await server.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
