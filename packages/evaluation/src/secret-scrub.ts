import { createSecretScrubber, DEFAULT_SECRET_PATTERNS } from '@agents-tracing/processor';

/** A reviewer's or a judge's words leave the process as span content does: credential shapes scrubbed. */
export const scrubSecrets: (text: string) => string = createSecretScrubber(DEFAULT_SECRET_PATTERNS);
