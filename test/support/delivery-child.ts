/**
 * Runs a TypeScript script of test/support in a child process with the repository's Node 22,
 * tsx and the source export condition, talking to it through its output lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ScriptChild {
  readonly process: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Waits for a line matching `pattern` (from the start of the output). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Lines matching `pattern` so far. */
  matches(pattern: RegExp): RegExpMatchArray[];
  /** Exit code (or the signal's name) and when it happened. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(signal: NodeJS.Signals): void;
}

export interface ScriptOptions {
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  /** Modules loaded with `--import` after tsx, before the script (instrumentations, register hooks). */
  preload?: string[];
  /** The child is killed (SIGKILL) if it still runs after this long. Default 60 s. */
  lifetimeMs?: number;
}

export function startScript(script: string, args: string[] = [], options: ScriptOptions = {}): ScriptChild {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--conditions=@agents-tracing/source', '--import', 'tsx', ...(options.preload ?? []).flatMap((file) => ['--import', fileURLToPath(new URL(file, import.meta.url))]), fileURLToPath(new URL(script, import.meta.url)), ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const guard = setTimeout(() => child.kill('SIGKILL'), options.lifetimeMs ?? 60_000);
  guard.unref();
  void exited.then(() => clearTimeout(guard));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  return {
    process: child,
    output: () => text,
    exited,
    matches: (pattern) => [...text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))],
    kill: (signal) => {
      if (!hasExited) child.kill(signal);
    },
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output so far:\n${text}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => {
          if (!listeners.has(check)) return;
          check();
          if (!listeners.has(check)) return;
          cleanup();
          reject(new Error(`exited before ${pattern}; output:\n${text}`));
        });
        check();
      });
    },
  };
}
