import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { classifyExportError } from './classify-error.js';
import type { ResolvedOtlpConfig } from './config.js';
import { OtlpGrpcExporter } from './grpc-exporter.js';
import { OtlpHttpExporter } from './http-exporter.js';
import { RenewingExporter } from './renewing-exporter.js';
import { loadTls } from './tls.js';

/**
 * The exporter for the resolved settings, gRPC or HTTP. Both are this package's: each checks what
 * answered and cancels what is still out at shutdown.
 */
export function createUpstreamExporter(config: ResolvedOtlpConfig): SpanExporter {
  const tls = loadTls(config.tls);
  if (config.protocol === 'grpc') {
    const options = {
      url: config.endpoint,
      headers: { ...config.headers },
      compression: config.compression,
      timeoutMillis: config.timeoutMillis,
      tls,
    };
    return new RenewingExporter(() => new OtlpGrpcExporter(options), (error) => classifyExportError(error).status === 'UNAVAILABLE');
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
