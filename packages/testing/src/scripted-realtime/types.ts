/** A function call the scripted model makes: a tool, or a handoff (`transfer_to_<agent>`). */
export interface ScriptedRealtimeCall {
  name: string;
  /** An object (sent as JSON) or a JSON string sent unchanged. Defaults to `{}`. */
  arguments?: Record<string, unknown> | string;
  /** Defaults to a generated `call_…` id. */
  callId?: string;
}

/** Token counts `response.done` reports. Missing counts are derived from the lengths. */
export interface ScriptedRealtimeUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
}

/** One model response: something said, some function calls, or both. */
export interface ScriptedRealtimeReply {
  /** What the assistant says: audio with this transcript in an audio session, text otherwise. */
  say?: string;
  /** Length of the audio sent with `say`, in milliseconds (16-bit PCM silence). Default 300. */
  audioMs?: number;
  calls?: ScriptedRealtimeCall[];
  usage?: ScriptedRealtimeUsage;
  /**
   * The caller starts talking over the answer: after the first audio chunk the server reports
   * speech, waits for the client's `response.cancel`, and ends the response as `cancelled`.
   */
  bargeIn?: boolean;
}

/** A response request the server refuses with an `error` event. */
export interface ScriptedRealtimeError {
  error: { message: string; type?: string; code?: string };
}

/** The connection drops: after `response.created`, the server cuts the socket without a close frame. */
export interface ScriptedRealtimeDrop {
  drop: true;
}

export type ScriptedRealtimeStep = ScriptedRealtimeReply | ScriptedRealtimeError | ScriptedRealtimeDrop;

export interface ScriptedRealtimeOptions {
  /** What each `response.create` (or committed caller audio) gets, in order. */
  responses: ScriptedRealtimeStep[];
  /** Transcripts of the caller's committed audio buffers, in order. */
  transcripts?: string[];
  /** Send each transcript after the response it leads to is done (as the API may), not before. */
  lateTranscripts?: boolean;
}

/** A client event the server received (its JSON), for assertions. */
export type ReceivedRealtimeEvent = { type: string } & Record<string, unknown>;

export interface ScriptedRealtime {
  /** `ws://127.0.0.1:<port>/v1/realtime`: give it to `session.connect({ url, apiKey })`. */
  readonly url: string;
  /** Every client event received so far, across connections. `input_audio_buffer.append` audio is
   * replaced by its size. */
  readonly received: readonly ReceivedRealtimeEvent[];
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}
