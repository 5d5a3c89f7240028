/** Failures that end a command with exit code 2: a wrong invocation, or a trace that cannot be read. */
export class CliError extends Error {
  override name = 'CliError';
}
