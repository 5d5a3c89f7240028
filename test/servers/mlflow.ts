/**
 * An MLflow tracking server from a cached virtualenv, with a throwaway SQL store and artifact
 * directory, bound to loopback only.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, exists, installAtomically } from './cache.js';
import { LOOPBACK, answersOk, freePorts } from './network.js';
import { runCommand, startServerProcess, waitUntilReady } from './process.js';
import { logToConsole, timedStep, type LogLine } from './progress.js';

/** 3.18.0 is on PyPI without its matching mlflow-skinny, so it cannot be installed. */
export const MLFLOW_VERSION = '3.17.2';
/**
 * The driver for a PostgreSQL backend store: MLflow 3.17 brings SQLAlchemy 2.1, whose default
 * driver for `postgresql://` URIs is psycopg 3, not psycopg2.
 */
const PSYCOPG_VERSION = '3.3.9';

/** Fresh stores run their schema migrations before the server answers; PostgreSQL is slower. */
const STARTUP_TIMEOUT_MS = 180_000;

export interface EnsureOptions {
  log?: LogLine;
}

/** The cached virtualenv's python, installing MLflow first when missing. */
export async function ensureMlflow(options: EnsureOptions = {}): Promise<string> {
  const log = options.log ?? logToConsole;
  const entry = join(cacheDir(), `mlflow-${MLFLOW_VERSION}+psycopg-${PSYCOPG_VERSION}`);
  const venv = join(entry, 'venv');
  // The venv is moved into place once complete, so it is always run as `python -m …`: the
  // console scripts pip writes would still name the temporary path.
  const python = join(venv, 'bin', 'python');
  if (await exists(python)) return python;

  await mkdir(entry, { recursive: true });
  const logFile = join(entry, 'install.log');
  await writeFile(logFile, '');
  await installAtomically(venv, async (tempVenv) => {
    await timedStep(log, 'mlflow', 'creating a Python virtualenv …', 'created', () =>
      runCommand('python3', ['-m', 'venv', tempVenv], { logFile }),
    );
    await timedStep(
      log,
      'mlflow',
      `installing mlflow ${MLFLOW_VERSION} … (a minute or two the first time)`,
      'installed',
      () =>
        runCommand(
          join(tempVenv, 'bin', 'python'),
          [
            '-m',
            'pip',
            'install',
            '--disable-pip-version-check',
            '--no-input',
            `mlflow==${MLFLOW_VERSION}`,
            `psycopg[binary]==${PSYCOPG_VERSION}`,
          ],
          { logFile },
        ),
    );
  });
  return python;
}

export interface StartMlflowOptions extends EnsureOptions {
  /** A SQLAlchemy URI; by default a fresh SQLite file in the server's temporary directory. */
  backendStoreUri?: string;
}

export interface MlflowServer {
  /** `http://127.0.0.1:<port>`: REST under `/api`, OTLP/HTTP under `/v1/traces`. */
  readonly trackingUri: string;
  /** Stops the server and removes its temporary directory. */
  stop(): Promise<void>;
}

/** Installs MLflow if needed, starts a tracking server on a free loopback port, waits for it. */
export async function startMlflow(options: StartMlflowOptions = {}): Promise<MlflowServer> {
  const python = await ensureMlflow(options);
  const { port } = await freePorts(['port']);
  const workDir = await mkdtemp(join(tmpdir(), 'agents-tracing-mlflow-'));
  const trackingUri = `http://${LOOPBACK}:${port}`;
  const backendStoreUri = options.backendStoreUri ?? `sqlite:///${join(workDir, 'mlflow.db')}`;
  const args = [
    '-m',
    'mlflow',
    'server',
    '--backend-store-uri',
    backendStoreUri,
    '--artifacts-destination',
    join(workDir, 'artifacts'),
    '--host',
    LOOPBACK,
    '--port',
    String(port),
    '--workers',
    '1',
  ];
  // The default security middleware already accepts 127.0.0.1 and localhost on any port.
  const server = startServerProcess(python, args, {
    cwd: workDir,
    logFile: join(workDir, 'mlflow.log'),
    env: {
      ...process.env,
      MLFLOW_DISABLE_TELEMETRY: 'true',
      DO_NOT_TRACK: 'true',
      // The background job runner (scorers, periodic tasks) forks three consumers we never use.
      MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
      PYTHONUNBUFFERED: '1',
    },
  });
  try {
    await waitUntilReady(
      server,
      'MLflow',
      () => answersOk(`${trackingUri}/health`),
      STARTUP_TIMEOUT_MS,
    );
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  return {
    trackingUri,
    async stop() {
      await server.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
