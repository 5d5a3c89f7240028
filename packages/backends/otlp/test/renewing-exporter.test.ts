import { ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { RenewingExporter } from '../src/renewing-exporter.js';
import { exportAsync } from './support/export.js';
import { ScriptedExporter } from './support/fake-exporter.js';
import { GRPC_REFUSED, grpcError } from './support/errors.js';
import { makeSpans } from './support/spans.js';

const needsRenewal = (error: unknown) => error === GRPC_REFUSED;

function setup(scripts: unknown[][]) {
  const created: ScriptedExporter[] = [];
  const exporter = new RenewingExporter(() => {
    const next = new ScriptedExporter(scripts[created.length] ?? []);
    created.push(next);
    return next;
  }, needsRenewal);
  return { exporter, created };
}

describe('RenewingExporter', () => {
  it('sends the next batch through a fresh exporter after a connection failure, and retires the old one', async () => {
    const { exporter, created } = setup([[GRPC_REFUSED]]);
    expect((await exportAsync(exporter, makeSpans(1))).error).toBe(GRPC_REFUSED);
    expect((await exportAsync(exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
    expect(created).toHaveLength(2);
    expect(created.map((inner) => inner.batches.length)).toEqual([1, 1]);
    expect(created[0]!.shutdownCalls).toBe(1);
  });

  it('renews once when several batches fail on the same exporter', async () => {
    const { exporter, created } = setup([[GRPC_REFUSED, GRPC_REFUSED, GRPC_REFUSED]]);
    await Promise.all([1, 2, 3].map(() => exportAsync(exporter, makeSpans(1))));
    expect(created).toHaveLength(2);
  });

  it('keeps the exporter on other failures', async () => {
    const { exporter, created } = setup([[grpcError(16, 'no')]]);
    await exportAsync(exporter, makeSpans(1));
    await exportAsync(exporter, makeSpans(1));
    expect(created).toHaveLength(1);
  });

  it('shuts down the current exporter and waits for retired ones', async () => {
    const { exporter, created } = setup([[GRPC_REFUSED]]);
    await exportAsync(exporter, makeSpans(1));
    await exporter.shutdown();
    expect(created.map((inner) => inner.shutdownCalls)).toEqual([1, 1]);
  });
});
