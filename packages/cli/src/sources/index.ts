/**
 * Reading one trace from wherever it went, waiting a bounded time for a trace that is not there
 * yet or whose spans are still arriving.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { digestRecordFromTags, readDigestRecord, type DerivedFieldMismatch, type FlatSpan } from '@agents-tracing/processor';
import { describeSource, type SourceConfig } from '../config.js';
import { CliError } from '../errors.js';
import type { Progress } from '../progress.js';
import type { BackendTrace } from './backend-trace.js';
import { readFromJaeger } from './jaeger.js';
import { readTraceFile } from './file.js';

export interface LoadedTrace {
  traceId: string;
  spans: FlatSpan[];
  /** MLflow's trace tags; empty elsewhere. */
  tags: Record<string, string>;
  /** Where it was read from, for messages. */
  source: string;
  /** Fields the backend shows that do not follow from the covered attributes (MLflow only). */
  derivedMismatches?: DerivedFieldMismatch[];
}

export interface ReadOptions {
  /** How long to wait for the trace and its spans. Default 10 s. */
  waitMs?: number;
  progress?: Progress;
  /** MLflow credentials (MLFLOW_TRACKING_TOKEN, …). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

const RETRY_MS = 250;

type ReadOnce = () => Promise<BackendTrace | undefined>;

function reader(config: SourceConfig, traceId: string, options: ReadOptions): ReadOnce {
  switch (config.from) {
    case 'file':
      return async () => {
        const spans = await readTraceFile(config.path, traceId, ({ bytesRead, totalBytes }) =>
          options.progress?.update(`reading ${config.path}: ${Math.round((bytesRead / Math.max(totalBytes, 1)) * 100)}%`),
        );
        return spans.length > 0 ? { spans, tags: {} } : undefined;
      };
    case 'jaeger':
      return () => readFromJaeger(config.queryUrl, traceId);
    case 'mlflow': {
      // Loaded only for MLflow: the exporter package is the heaviest import.
      let read: ReadOnce | undefined;
      return async () => {
        if (!read) {
          const { mlflowClient, readFromMlflow } = await import('./mlflow.js');
          let client: ReturnType<typeof mlflowClient>;
          try {
            client = mlflowClient(config.trackingUri, options.env ?? process.env);
          } catch (error) {
            throw new CliError((error as Error).message);
          }
          read = () => readFromMlflow(client, traceId).catch((error: unknown) => {
            // A wrong address, a login page or refused credentials do not get better by waiting.
            if ((error as { retryable?: unknown }).retryable === false) throw new CliError((error as Error).message);
            throw error;
          });
        }
        return read();
      };
    }
  }
}

/** Spans still to come: those the digest names that are not there yet, or the root itself. */
function spansAwaited(trace: BackendTrace): string | undefined {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  const record = trace.spans.map((s) => readDigestRecord(s.attributes)).find((r) => r !== undefined) ?? digestRecordFromTags(trace.tags);
  if (record) {
    const absent = record.spanIds.filter((id) => !ids.has(id)).length;
    return absent === 0 ? undefined : `${absent} of the ${record.spanIds.length} spans the digest covers`;
  }
  const hasRoot = trace.spans.some((s) => s.parentSpanId === undefined || !ids.has(s.parentSpanId));
  return hasRoot ? undefined : 'the root span';
}

export async function readTrace(config: SourceConfig, traceId: string, options: ReadOptions = {}): Promise<LoadedTrace> {
  const waitMs = options.waitMs ?? 10_000;
  const deadline = Date.now() + waitMs;
  const source = describeSource(config);
  const readOnce = reader(config, traceId, options);
  let last: BackendTrace | undefined;
  let lastError: Error | undefined;
  for (;;) {
    try {
      last = (await readOnce()) ?? last;
      lastError = undefined;
    } catch (error) {
      if (error instanceof CliError) throw error;
      // A backend that is starting or restarting refuses connections for a moment: keep trying.
      lastError = error as Error;
    }
    const awaited = last ? spansAwaited(last) : 'the trace to appear';
    if (awaited === undefined || Date.now() >= deadline) break;
    options.progress?.update(`waiting for ${awaited} in ${source}`);
    await sleep(RETRY_MS);
  }
  if (!last) {
    throw new CliError(
      lastError
        ? `cannot read trace ${traceId} from ${source}: ${lastError.message}`
        : `trace ${traceId} is not in ${source} (waited ${waitMs / 1000} s)`,
    );
  }
  return { traceId, spans: last.spans, tags: last.tags, source, ...(last.derivedMismatches ? { derivedMismatches: last.derivedMismatches } : {}) };
}
