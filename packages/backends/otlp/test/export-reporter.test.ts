import { describe, expect, it } from 'vitest';
import { describeExportError, resolveOtlpConfig } from '../src/index.js';
import { ExportReporter, type ExportFailure } from '../src/export-reporter.js';
import { GRPC_REFUSED, grpcError } from './support/errors.js';
import { CapturingLogger } from './support/logger.js';

const config = resolveOtlpConfig({ protocol: 'grpc', endpoint: 'http://127.0.0.1:4317' }, {});
const UNAUTHENTICATED = grpcError(16, 'bad token');

function setup(retryBudgetMillis?: number) {
  const logger = new CapturingLogger();
  const failures: ExportFailure[] = [];
  const reporter = new ExportReporter({
    endpoint: 'http://127.0.0.1:4317',
    describe: (error) => describeExportError(error, config),
    logger,
    retryBudgetMillis,
    onError: (failure) => failures.push(failure),
  });
  return { reporter, logger, failures };
}

describe('ExportReporter', () => {
  it('says a problem once however many batches hit it, and counts every span', () => {
    const { reporter, logger, failures } = setup();
    for (let i = 0; i < 5; i++) reporter.failed(GRPC_REFUSED, 10);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/^could not reach the OTLP endpoint http:\/\/127\.0\.0\.1:4317 \(connection refused\)/);
    expect(failures).toHaveLength(5);
    expect(failures[0]).toMatchObject({ kind: 'connection-refused', spanCount: 10, error: GRPC_REFUSED });
    expect(reporter.stats).toMatchObject({ failedSpans: 50, exportedSpans: 0, lastError: { kind: 'connection-refused' } });
  });

  it('says it at the first retry, with how long retries go on, and not again when the batch is dropped', () => {
    const { reporter, logger } = setup(30_000);
    reporter.retrying({ retry: 1, delayMillis: 100, error: GRPC_REFUSED, spanCount: 4 });
    reporter.retrying({ retry: 2, delayMillis: 200, error: GRPC_REFUSED, spanCount: 4 });
    reporter.failed(GRPC_REFUSED, 4);
    expect(logger.warnings).toEqual([expect.stringMatching(/Retrying for up to 30 s\.$/)]);
    expect(reporter.stats).toMatchObject({ retriedSpans: 8, failedSpans: 4 });
  });

  it('says when a different problem takes over', () => {
    const { reporter, logger } = setup();
    reporter.failed(GRPC_REFUSED, 1);
    reporter.failed(UNAUTHENTICATED, 1);
    reporter.failed(UNAUTHENTICATED, 1);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[1]).toContain('refused the credentials');
  });

  it('says once that exports work again, with how many spans were lost, and then reports a new outage again', () => {
    const { reporter, logger } = setup();
    reporter.failed(GRPC_REFUSED, 3);
    reporter.exported(2);
    reporter.exported(2);
    expect(logger.infos).toEqual([
      'exporting spans to the OTLP endpoint http://127.0.0.1:4317 works again; 3 spans could not be delivered meanwhile.',
    ]);
    reporter.failed(GRPC_REFUSED, 1);
    expect(logger.warnings).toHaveLength(2);
    expect(reporter.stats).toMatchObject({ exportedSpans: 4, failedSpans: 4 });
  });

  it('stays quiet while all is well', () => {
    const { reporter, logger } = setup();
    reporter.exported(5);
    expect(logger.all).toBe('');
    expect(reporter.stats).toEqual({ exportedSpans: 5, failedSpans: 0, retriedSpans: 0 });
  });
});
