export { JAEGER_VERSION, ensureJaeger, startJaeger, type JaegerServer } from './jaeger.js';
export {
  MLFLOW_VERSION,
  ensureMlflow,
  startMlflow,
  type MlflowServer,
  type StartMlflowOptions,
} from './mlflow.js';
export { PHOENIX_VERSION, ensurePhoenix, startPhoenix, type PhoenixServer } from './phoenix.js';
export { PROMETHEUS_VERSION, ensurePrometheus, startPrometheus, type PrometheusServer, type StartPrometheusOptions } from './prometheus.js';
export { startPostgres, type PostgresServer } from './postgres.js';
export { cacheDir } from './cache.js';
export type { LogLine } from './progress.js';
