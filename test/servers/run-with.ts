/**
 * The command-line side of the servers: start one, print how to reach it, then run a command
 * with its addresses in the environment (or wait for Ctrl-C), and stop it either way.
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
  const server = await start();
  const env = environment(server);
  for (const [name, value] of Object.entries(env)) console.log(`${name}=${value}`);
  const [command, ...args] = argv[0] === '--' ? argv.slice(1) : argv;

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
  await server.stop();
  return exitCode;
}

