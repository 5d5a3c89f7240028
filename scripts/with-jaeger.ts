/**
 * Starts a local Jaeger (building it the first time) and runs a command against it:
 *   pnpm tsx scripts/with-jaeger.ts [-- command args…]
 * Without a command Jaeger runs until Ctrl-C. The command gets the standard OTLP variables.
 */
import { startJaeger } from '../test/servers/jaeger.js';
import { runWithServer } from '../test/servers/run-with.js';

process.exitCode = await runWithServer(
  startJaeger,
  (jaeger) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    // Jaeger takes traces only: no metrics to its OTLP endpoint.
    OTEL_METRICS_EXPORTER: 'none',
    JAEGER_OTLP_GRPC_URL: jaeger.otlpGrpcUrl,
    JAEGER_QUERY_URL: jaeger.queryUrl,
  }),
  process.argv.slice(2),
);
