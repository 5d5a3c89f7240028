/**
 * Starts a local MLflow tracking server (installing it the first time) with a throwaway SQLite
 * store and runs a command against it:
 *   pnpm tsx scripts/with-mlflow.ts [-- command args…]
 * Without a command MLflow runs until Ctrl-C. The command gets MLFLOW_TRACKING_URI.
 */
import { startMlflow } from '../test/servers/mlflow.js';
import { runWithServer } from '../test/servers/run-with.js';

process.exitCode = await runWithServer(
  () => startMlflow(),
  (mlflow) => ({ MLFLOW_TRACKING_URI: mlflow.trackingUri }),
  process.argv.slice(2),
);
