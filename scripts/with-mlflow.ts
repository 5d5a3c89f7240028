/**
 * Starts a local MLflow tracking server (installing it the first time) with a throwaway SQLite
 * store and runs a command against it:
 *   pnpm tsx scripts/with-mlflow.ts [-- command args…]
 * Without a command MLflow runs until Ctrl-C. The command gets MLFLOW_TRACKING_URI and
 * MLFLOW_EXPERIMENT_ID of an experiment created for it, "agents-demo" (or MLFLOW_EXPERIMENT_NAME):
 * with the id known up front, the command can link to its traces in the MLflow UI.
 */
import { MlflowClient } from '@agents-tracing/exporter-mlflow';
import { startMlflow, type MlflowServer } from '../test/servers/mlflow.js';
import { runWithServer } from '../test/servers/run-with.js';

const EXPERIMENT_NAME = process.env['MLFLOW_EXPERIMENT_NAME']?.trim() || 'agents-demo';

async function startWithExperiment(): Promise<MlflowServer & { experimentId: string }> {
  const mlflow = await startMlflow();
  try {
    const client = new MlflowClient({ trackingUri: mlflow.trackingUri });
    return { ...mlflow, experimentId: await client.getOrCreateExperiment(EXPERIMENT_NAME) };
  } catch (error) {
    await mlflow.stop();
    throw error;
  }
}

process.exitCode = await runWithServer(
  startWithExperiment,
  (mlflow) => ({ MLFLOW_TRACKING_URI: mlflow.trackingUri, MLFLOW_EXPERIMENT_ID: mlflow.experimentId }),
  process.argv.slice(2),
);
