export type WorkloadId = 'a' | 'b' | 'c' | 'd';

interface WorkloadInfo {
  id: WorkloadId;
  title: string;
}

/** A workload measured run by run. */
export interface RunWorkload extends WorkloadInfo {
  kind: 'runs';
  /** Spans one run gives: the SDK's spans plus the trace's root span. */
  spansPerRun: number;
  run(): Promise<void>;
}

/** A conversation measured turn by turn, all turns in one trace. */
export interface ConversationWorkload extends WorkloadInfo {
  kind: 'conversation';
  turns: number;
  /** SDK spans one turn gives (the conversation's root span comes once, on top). */
  spansPerTurn: number;
  /**
   * Runs the conversation (all its turns, or the first `turnLimit`), calling `onTurn` as each
   * turn (1-based) ends and waiting for it before the next turn.
   */
  converse(turnLimit: number | undefined, onTurn: (turn: number) => void | Promise<void>): Promise<void>;
}

export type Workload = RunWorkload | ConversationWorkload;
