/**
 * Starts a local Arize Phoenix (installing it the first time) with a throwaway SQLite store and
 * runs a command against it:
 *   pnpm tsx scripts/with-phoenix.ts [-- command args…]
 * Without a command Phoenix runs until Ctrl-C. The command gets the standard OTLP variables for
 * Phoenix's OTLP/HTTP endpoint, with the project "agents-demo" (or PHOENIX_PROJECT_NAME) in the
 * `x-project-name` header, and PHOENIX_COLLECTOR_ENDPOINT, the server's address, to link traces.
 */
import { startPhoenix } from '../test/servers/phoenix.js';
import { runWithServer } from '../test/servers/run-with.js';

const PROJECT_NAME = process.env['PHOENIX_PROJECT_NAME']?.trim() || 'agents-demo';

process.exitCode = await runWithServer(
  startPhoenix,
  (phoenix) => ({
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: phoenix.otlpTracesUrl,
    OTEL_EXPORTER_OTLP_HEADERS: `x-project-name=${encodeURIComponent(PROJECT_NAME)}`,
    PHOENIX_COLLECTOR_ENDPOINT: phoenix.url,
  }),
  process.argv.slice(2),
);
