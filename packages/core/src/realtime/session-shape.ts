/**
 * The parts of `@openai/agents-realtime`'s `RealtimeSession` the tracer reads, described by shape
 * so this package does not depend on the realtime package: any `RealtimeSession` fits.
 */

// The session's emitter is typed per event: `any` lets one listener type stand for each of them.
type Listener = (...args: any[]) => void;

export interface RealtimeAgentLike {
  readonly name: string;
  readonly tools?: readonly { readonly name?: string }[];
  readonly handoffs?: readonly ({ readonly name?: string; readonly agentName?: string } | object)[];
}

export interface RealtimeTransportLike {
  on(type: 'connection_change', listener: (status: string) => void): unknown;
  off(type: 'connection_change', listener: (status: string) => void): unknown;
  readonly currentModel?: string;
}

export interface RealtimeSessionLike {
  readonly currentAgent: RealtimeAgentLike;
  readonly transport: RealtimeTransportLike;
  readonly options?: {
    readonly workflowName?: string;
    readonly groupId?: string;
    readonly traceMetadata?: Record<string, unknown>;
    readonly model?: string;
  };
  on(type: string, listener: Listener): unknown;
  off(type: string, listener: Listener): unknown;
  close(): void;
  sendAudio(audio: ArrayBuffer, options?: { commit?: boolean }): void;
}

/** A server event as the transport passes it on (`transport_event`): JSON from the Realtime API. */
export type ServerEvent = { type: string } & Record<string, unknown>;
