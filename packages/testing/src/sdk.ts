/**
 * The recorder runs on the OpenTelemetry SDK the app already has, SDK 3 or SDK 2, so a test never
 * pulls in a second copy of the SDK. Loaded synchronously (both lines ship CommonJS builds),
 * because `recordAgentSpans()` is synchronous.
 */
import { createRequire } from 'node:module';
import type { ContextManager, TracerProvider } from '@opentelemetry/api';

export interface RecorderTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

interface ProviderOptions {
  idGenerator: unknown;
  spanProcessors: unknown[];
}

type ProviderClass = new (options: ProviderOptions) => RecorderTracerProvider;

const requireFromHere = createRequire(import.meta.url);

function tryRequire(specifier: string): Record<string, unknown> | undefined {
  try {
    return requireFromHere(specifier) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

export function loadTracerProvider(options: ProviderOptions): RecorderTracerProvider {
  const sdk3 = tryRequire('@opentelemetry/sdk-trace');
  if (sdk3) return new (sdk3.TracerProvider as ProviderClass)(options);
  const sdk2 = tryRequire('@opentelemetry/sdk-trace-base');
  if (sdk2) return new (sdk2.BasicTracerProvider as ProviderClass)(options);
  throw new Error(
    'recordAgentSpans() needs an OpenTelemetry SDK: add @opentelemetry/sdk-trace (SDK 3) or @opentelemetry/sdk-trace-base (SDK 2) to your devDependencies.',
  );
}

export function loadContextManager(): ContextManager {
  const hooks = tryRequire('@opentelemetry/context-async-hooks');
  if (!hooks) {
    throw new Error(
      'recordAgentSpans({ registerGlobal: true }) needs @opentelemetry/context-async-hooks: add it to your devDependencies.',
    );
  }
  const Manager = hooks.AsyncLocalStorageContextManager as new () => ContextManager;
  return new Manager().enable();
}
