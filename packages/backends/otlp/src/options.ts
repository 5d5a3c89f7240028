export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';
export type OtlpCompression = 'gzip' | 'none';

/** PEM contents: the text of a certificate or key, not a file path. */
export type Pem = string | Buffer;

/**
 * Where to send spans and how. Every field is optional: what is left out comes from the standard
 * `OTEL_EXPORTER_OTLP_*` variables, then from the OTLP defaults.
 */
export interface OtlpConnectionOptions {
  /** Default `http/protobuf`, as the OTLP exporter specification says. */
  protocol?: OtlpProtocol;
  /**
   * gRPC: `http://host:port` (plaintext) or `https://host:port` (TLS).
   * HTTP: the full URL, used as given, e.g. `http://localhost:4318/v1/traces`.
   */
  endpoint?: string;
  /** Sent with every export (HTTP headers or gRPC metadata); they override variable headers by name. */
  headers?: Record<string, string>;
  compression?: OtlpCompression;
  /** Time allowed for one export attempt. Default 10 000 ms. */
  timeoutMillis?: number;
  /**
   * Only for a gRPC endpoint written without a scheme (`collector:4317`): true means plaintext,
   * false means TLS. Such an endpoint is refused when this is not set anywhere.
   */
  insecure?: boolean;
  /** CA certificate(s) to trust for a TLS endpoint. */
  certificate?: Pem;
  /** Client key for mutual TLS; needs `clientCertificate` too. */
  clientKey?: Pem;
  /** Client certificate chain for mutual TLS; needs `clientKey` too. */
  clientCertificate?: Pem;
}

export interface RetryOptions {
  /** No new attempt starts later than this after the first one. Default 30 000 ms. */
  maxElapsedMillis?: number;
  /** Upper bound of the first wait. Default 500 ms. */
  initialDelayMillis?: number;
  /** Upper bound of any wait. Default 5 000 ms. */
  maxDelayMillis?: number;
}

/** Anything with `warn` and `info`, such as `console` or a pino logger. */
export interface OtlpLogger {
  warn(message: string): void;
  info(message: string): void;
}
