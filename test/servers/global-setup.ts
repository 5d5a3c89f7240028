/**
 * Starts Jaeger and MLflow once for the integration project and hands their URLs to the tests
 * (`inject('jaeger')`, `inject('mlflow')`). Tests that stop or restart a server start their own.
 * Prometheus is only built and Phoenix only installed here (once, before tests that start their
 * own race to install them, and outside any test's timeout).
 */
import type { TestProject } from 'vitest/node';
import { startJaeger } from './jaeger.js';
import { startMlflow } from './mlflow.js';
import { ensurePhoenix } from './phoenix.js';
import { ensurePrometheus } from './prometheus.js';
import { seconds } from './progress.js';

declare module 'vitest' {
  export interface ProvidedContext {
    jaeger: { otlpGrpcUrl: string; otlpHttpUrl: string; queryUrl: string };
    mlflow: { trackingUri: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const began = Date.now();
  const [jaeger, mlflow, prometheus, phoenix] = await Promise.allSettled([startJaeger(), startMlflow(), ensurePrometheus(), ensurePhoenix()]);
  const installs = [prometheus, phoenix];
  if (jaeger.status === 'rejected' || mlflow.status === 'rejected' || installs.some((r) => r.status === 'rejected')) {
    const results = [jaeger, mlflow];
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    const errors = [...results, ...installs].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    throw errors.length === 1
      ? errors[0]
      : new AggregateError(errors, 'the test servers failed to start');
  }
  console.log(`[servers] Jaeger and MLflow ready in ${seconds(Date.now() - began)}`);
  const { otlpGrpcUrl, otlpHttpUrl, queryUrl } = jaeger.value;
  project.provide('jaeger', { otlpGrpcUrl, otlpHttpUrl, queryUrl });
  project.provide('mlflow', { trackingUri: mlflow.value.trackingUri });
  return async () => {
    await Promise.all([jaeger.value.stop(), mlflow.value.stop()]);
  };
}
