// Loaded before the app: node --import ./instrumentation.js app.js (with tsx: --import tsx first).
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

// Lets the instrumentations patch ES modules too, wrapping only the modules they ask for.
const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
registerInstrumentations({
  // openai for model calls a tool makes itself, undici for fetch(), http for node:http servers.
  instrumentations: [new OpenAIInstrumentation(), new UndiciInstrumentation(), new HttpInstrumentation()],
});
await waitForAllMessagesAcknowledged();
