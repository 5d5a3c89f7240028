/**
 * The command-line side of the servers: start one, print how to reach it, then run a command
 * with its addresses in the environment (or wait for Ctrl-C), and stop it either way. With
 * `--keep` before the command, the server stays up after the command until Ctrl-C, so what the
 * command sent can be looked at.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface StartedServer {
  stop(): Promise<void>;
}

export async function runWithServer<S extends StartedServer>(
  start: () => Promise<S>,
  environment: (server: S) => Record<string, string>,
  argv: readonly string[],
): Promise<number> {
  const keep = argv[0] === '--keep';
  const rest = keep ? argv.slice(1) : argv;
  const server = await start();
  const env = environment(server);
  for (const [name, value] of Object.entries(env)) console.log(`${name}=${value}`);
  const [command, ...args] = rest[0] === '--' ? rest.slice(1) : rest;

  const exitCode = await new Promise<number>((resolve) => {
    if (command === undefined) {
      console.log('Running; press Ctrl-C to stop.');
      const onSignal = () => resolve(0);
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      return;
    }
    // The child shares our terminal, so Ctrl-C reaches it directly; we only wait for it.
    process.on('SIGINT', () => {}).on('SIGTERM', () => {});
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) =>
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)),
    );
  });
  if (keep && command !== undefined) {
    console.log('The server keeps running; press Ctrl-C to stop it.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve()).once('SIGTERM', () => resolve());
    });
  }
  await server.stop();
  return exitCode;
}

