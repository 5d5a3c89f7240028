/**
 * Reads MLflow back through MLflow's own Python client (the test venv), so what the TypeScript
 * side wrote is checked by the client MLflow users have.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureMlflow } from '../servers/mlflow.js';

const run = promisify(execFile);

/** Runs `script` (which must print one JSON document last) against the tracking server. */
export async function mlflowPython<T>(trackingUri: string, script: string): Promise<T> {
  const python = await ensureMlflow();
  const { stdout } = await run(python, ['-c', script], {
    env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri, MLFLOW_DISABLE_TELEMETRY: 'true', PYTHONWARNINGS: 'ignore' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as T;
}
