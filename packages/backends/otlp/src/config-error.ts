/** A setting that cannot be used; the message says which one, where it came from, and what to write. */
export class OtlpConfigError extends Error {
  override readonly name = 'OtlpConfigError';
}
