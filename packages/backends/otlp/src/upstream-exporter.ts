import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { classifyExportError } from './classify-error.js';
import type { ResolvedOtlpConfig } from './config.js';
import { OtlpHttpExporter } from './http-exporter.js';
import { RenewingExporter } from './renewing-exporter.js';
import { loadTls } from './tls.js';

type GrpcExporterConfig = NonNullable<ConstructorParameters<typeof GrpcTraceExporter>[0]>;

/**
 * The exporter for the resolved settings: OpenTelemetry's own for gRPC, this package's for HTTP
 * (it checks that a success is an OTLP success, and aborts what is still out at shutdown).
 */
export function createUpstreamExporter(config: ResolvedOtlpConfig): SpanExporter {
  const tls = loadTls(config.tls);
  if (config.protocol === 'grpc') {
    const grpc = loadGrpc();
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(config.headers)) metadata.set(name, value);
    const credentials = config.secure
      ? grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null)
      : grpc.credentials.createInsecure();
    const grpcConfig: GrpcExporterConfig = {
      url: config.endpoint,
      credentials,
      metadata,
      // The upstream option type is an enum whose values are these same two strings.
      compression: config.compression as GrpcExporterConfig['compression'],
      timeoutMillis: config.timeoutMillis,
    };
    const createExporter = () => buildWithoutOtlpVariables(() => new GrpcTraceExporter(grpcConfig));
    return new RenewingExporter(createExporter, (error) => classifyExportError(error).status === 'UNAVAILABLE');
  }

  return new OtlpHttpExporter({
    url: config.endpoint,
    encoding: config.protocol === 'http/json' ? 'json' : 'protobuf',
    headers: { ...config.headers },
    compression: config.compression,
    timeoutMillis: config.timeoutMillis,
    tls,
  });
}

/**
 * The upstream exporters read OTEL_EXPORTER_OTLP_* themselves while they are built and merge what
 * they find under the settings they are given: headers this package rejected or took from another
 * environment would come back. Every setting is resolved already, so the variables are hidden for
 * the (synchronous) construction and put back at once.
 */
function buildWithoutOtlpVariables<T>(build: () => T): T {
  const hidden = Object.entries(process.env).filter(([name]) => name.startsWith('OTEL_EXPORTER_OTLP_'));
  for (const [name] of hidden) delete process.env[name];
  try {
    return build();
  } finally {
    for (const [name, value] of hidden) process.env[name] = value;
  }
}

// @grpc/grpc-js takes ~70 ms to load: only gRPC users pay for it.
function loadGrpc(): typeof GrpcJs {
  return createRequire(import.meta.url)('@grpc/grpc-js') as typeof GrpcJs;
}
