import { diag } from '@opentelemetry/api';
import { DEFAULT_SECRET_PATTERNS, createSecretScrubber } from '@agents-tracing/processor';

/** Where delivery problems are told: anything with `warn` and `info`, such as `console`. */
export interface DeliveryLogger {
  warn(message: string): void;
  info(message: string): void;
}

export const defaultDeliveryLogger = (): DeliveryLogger =>
  diag.createComponentLogger({ namespace: '@agents-tracing/processor/delivery' });

/** One line on stderr per message: what `setupAgentTracing()` tells by default. */
export const stderrDeliveryLogger = (): DeliveryLogger => {
  const write = (message: string): void => {
    try {
      process.stderr.write(`agents-tracing: ${message}\n`);
    } catch {
      // A closed stderr must not break the app.
    }
  };
  return { warn: write, info: write };
};

export const silentDeliveryLogger: DeliveryLogger = { warn: () => {}, info: () => {} };

// Exporter errors are written by other packages: a credential that slipped into one is still
// never repeated.
const scrub = createSecretScrubber(DEFAULT_SECRET_PATTERNS);

/** A short, credential-free description of an export failure. */
export function describeExportFailure(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? error.message || error.name : error === undefined ? 'unknown error' : String(error);
  } catch {
    text = 'unprintable error';
  }
  const firstLine = text.split('\n', 1)[0] ?? '';
  return scrub(firstLine.length > 300 ? `${firstLine.slice(0, 300)}…` : firstLine);
}
