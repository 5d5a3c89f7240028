export { readJaegerTrace, type JaegerTrace } from './jaeger.js';
export {
  readMlflowTrace,
  type MlflowTokenUsage,
  type MlflowTrace,
  type MlflowTraceInfo,
} from './mlflow.js';
export {
  MlflowRestError,
  createMlflowExperiment,
  findMlflowExperimentId,
  mlflowRequest,
  type MlflowRequest,
} from './mlflow-rest.js';
export type { ReadTrace, ReadTraceOptions } from './poll.js';
export {
  prometheusSeries,
  queryPrometheus,
  queryPrometheusValue,
  waitForPrometheus,
  type PrometheusSample,
  type WaitForPrometheusOptions,
} from './prometheus.js';
