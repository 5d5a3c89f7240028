import type { TracingProcessor } from '@openai/agents';

export type ConfigId =
  | 'disabled'
  | 'noop'
  | 'ours'
  | 'ours-batch'
  | 'ours-nested'
  | 'ours-metrics'
  | 'ours-metrics-off'
  | 'ours-content-off'
  | 'ours-jaeger'
  | 'arize'
  | 'braintrust';

/** One way of running the SDK's tracing, switched on and off between samples. */
export interface TracingConfig {
  readonly id: ConfigId;
  readonly label: string;
  /** The processor registered with the SDK; undefined when tracing is disabled. */
  readonly processor: TracingProcessor | undefined;
  /** Makes this configuration the SDK's current one. */
  activate(): void;
  /** Undoes global registrations `activate` made beyond the SDK's processor list. */
  deactivate(): void;
  /**
   * Untimed, after each sample: lets go of what the in-memory sinks hold so memory stays flat.
   * Batching pipelines are left alone, so their exports fall inside timed samples as they would
   * in an app.
   */
  release(): Promise<void>;
  /** Milliseconds spent inside the processor's callbacks since the last call. */
  takeCallbackMs(): number;
  /** Flushes, then tells how many spans (Braintrust: log rows) reached the sink so far. */
  delivered(): Promise<number>;
  shutdown(): Promise<void>;
}
