/**
 * A throwaway PostgreSQL cluster from Debian's packages: its own data directory and socket
 * directory, listening on one loopback port, with trust authentication (nothing else can reach it).
 */
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exists } from './cache.js';
import { LOOPBACK, freePorts } from './network.js';
import { runCommand, startServerProcess, waitUntilReady } from './process.js';
import { logToConsole, timedStep, type LogLine } from './progress.js';

const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
const STARTUP_TIMEOUT_MS = 60_000;
const DATABASE = 'mlflow';
const SUPERUSER = 'postgres';

async function findPostgresBin(): Promise<string | undefined> {
  const versions = (await readdir(DEBIAN_POSTGRES_ROOT).catch(() => []))
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(DEBIAN_POSTGRES_ROOT, version, 'bin');
    if (await exists(join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

/** The newest installed server's bin directory, installing Debian's `postgresql` if none. */
async function ensurePostgres(log: LogLine, logFile: string): Promise<string> {
  const found = await findPostgresBin();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error('PostgreSQL is not installed: run `apt-get install -y postgresql` as root');
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = async () => {
    await runCommand('apt-get', ['update'], { logFile, env });
    await runCommand('apt-get', ['install', '-y', 'postgresql'], { logFile, env });
  };
  await timedStep(log, 'postgres', 'installing Debian package postgresql …', 'installed', install);
  const installed = await findPostgresBin();
  if (!installed) {
    throw new Error(`postgresql installed but no server under ${DEBIAN_POSTGRES_ROOT}`);
  }
  return installed;
}

/** PostgreSQL refuses to run as root: when we are root, the cluster belongs to `postgres`. */
async function serverUser(logFile: string): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) =>
    Number((await runCommand('id', [flag, SUPERUSER], { logFile })).trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/mlflow`, a database created for MLflow. */
  readonly url: string;
  /** Stops the cluster (fast shutdown) and deletes its files. */
  stop(): Promise<void>;
}

export async function startPostgres(options: { log?: LogLine } = {}): Promise<PostgresServer> {
  const log = options.log ?? logToConsole;
  const workDir = await mkdtemp(join(tmpdir(), 'agents-tracing-postgres-'));
  const logFile = join(workDir, 'postgres.log');
  const dataDir = join(workDir, 'data');
  try {
    const bin = await ensurePostgres(log, logFile);
    const user = await serverUser(logFile);
    if (user) await chown(workDir, user.uid, user.gid);
    const asServer = { logFile, ...user };
    await runCommand(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--no-sync'],
      asServer,
    );
    const { port } = await freePorts(['port']);
    const server = startServerProcess(
      join(bin, 'postgres'),
      ['-D', dataDir, '-p', String(port), '-c', `listen_addresses=${LOOPBACK}`, '-k', workDir],
      { ...asServer, cwd: workDir, shutdownSignal: 'SIGINT' },
    );
    const client = ['-h', LOOPBACK, '-p', String(port), '-U', SUPERUSER];
    try {
      await waitUntilReady(
        server,
        'PostgreSQL',
        () =>
          runCommand(join(bin, 'pg_isready'), ['-q', ...client], { logFile }).then(
            () => true,
            () => false,
          ),
        STARTUP_TIMEOUT_MS,
      );
      await runCommand(join(bin, 'createdb'), [...client, DATABASE], { logFile });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return {
      url: `postgresql://${SUPERUSER}@${LOOPBACK}:${port}/${DATABASE}`,
      async stop() {
        await server.stop();
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}
