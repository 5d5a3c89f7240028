/**
 * Child processes for servers and installers: output goes to a log file whose tail explains a
 * failure; each server runs in its own process group so stopping it also stops what it forked.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Run as another user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

export interface ServerOptions extends ProcessOptions {
  /**
   * Sent to the leader alone, for servers that stop their own children (PostgreSQL's fast
   * shutdown is SIGINT). By default SIGTERM goes to the whole process group.
   */
  shutdownSignal?: NodeJS.Signals;
}

/** The last lines of a log file, for error messages. */
export async function logTail(logFile: string, maxBytes = 4000): Promise<string> {
  try {
    const file = await open(logFile, 'r');
    try {
      const { size } = await file.stat();
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, size - length);
      const text = buffer.toString('utf8');
      return size > maxBytes ? text.slice(text.indexOf('\n') + 1) : text;
    } finally {
      await file.close();
    }
  } catch {
    return '(no log output)';
  }
}

function withLog(message: string, tail: string, logFile: string): string {
  return `${message}\n--- last lines of ${logFile} ---\n${tail.trimEnd()}`;
}

function spawnLogged(
  command: string,
  args: readonly string[],
  options: ProcessOptions,
  ownProcessGroup: boolean,
  captureStdout = false,
) {
  const fd = openSync(options.logFile, 'a');
  try {
    return spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', captureStdout ? 'pipe' : fd, fd],
      detached: ownProcessGroup,
      uid: options.uid,
      gid: options.gid,
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs a command to completion and returns its stdout (also copied to the log). A non-zero exit
 * throws with the log tail.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<string> {
  // In our process group, so an interrupted install stops with us.
  const child = spawnLogged(command, args, options, false, true);
  const stdout: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    appendFileSync(options.logFile, chunk);
  });
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.once('close', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  });
  if (code !== 0) {
    const message = `${command} ${args.join(' ')} failed (${code})`;
    throw new Error(withLog(message, await logTail(options.logFile), options.logFile));
  }
  return Buffer.concat(stdout).toString('utf8');
}

export interface ServerProcess {
  readonly pid: number;
  readonly logFile: string;
  hasExited(): boolean;
  /** Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** Rejects with the log tail. */
  fail(message: string): Promise<never>;
}

const running = new Set<number>();
let exitHookInstalled = false;

/** A test run that dies without teardown must not leave servers behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pgid of running) signalGroup(pgid, 'SIGKILL');
  });
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function signalLeader(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pgid, 0)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export function startServerProcess(
  command: string,
  args: readonly string[],
  options: ServerOptions,
): ServerProcess {
  installExitHook();
  const child = spawnLogged(command, args, options, true);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  running.add(pid);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // Reaps the leader; a missing binary also surfaces here rather than as an uncaught error.
  child.once('error', () => {
    exited = true;
  });

  return {
    pid,
    logFile: options.logFile,
    hasExited: () => exited,
    async stop(graceMs = 10_000) {
      if (!running.has(pid)) return;
      if (options.shutdownSignal) signalLeader(pid, options.shutdownSignal);
      else signalGroup(pid, 'SIGTERM');
      if (!(await groupGone(pid, graceMs))) {
        signalGroup(pid, 'SIGKILL');
        await groupGone(pid, 5_000);
      }
      running.delete(pid);
    },
    async fail(message) {
      throw new Error(withLog(message, await logTail(options.logFile), options.logFile));
    },
  };
}

/**
 * Polls `isReady` until it answers true. Stops early, with the log tail, when the server exits
 * or the time is up.
 */
export async function waitUntilReady(
  server: ServerProcess,
  what: string,
  isReady: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.hasExited()) {
      await server.stop();
      await server.fail(`${what} exited during startup`);
    }
    if (await isReady()) return;
    if (Date.now() > deadline) {
      await server.stop();
      await server.fail(`${what} not ready after ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}
