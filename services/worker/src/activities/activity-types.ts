import type { AgentReply, ConversationMessage, ModelReply, ToolCall, ToolOutcome } from '@agent-runtime/agents';
import type {
  AgentSpec,
  MessagePolicy,
  RunEnd,
  RunLimits,
  RunMessage,
  RunOutcome,
  RunReplayOf,
  RunStatus,
} from '@agent-runtime/core';

/** Identifies a run and the immutable version whose spec its steps run under. */
export interface RunRef {
  readonly runId: string;
  readonly tenantId: string;
  readonly agentId: string;
  readonly agentVersion: number;
  /** The thread the run is a turn of; absent for a run without one (and in histories from before threads). */
  readonly threadId?: string;
}

/** How the workflow must treat calls of one tool: the spec's policy, without the tool itself. */
export interface ToolPolicy {
  readonly name: string;
  readonly requiresApproval: boolean;
  readonly onError: 'return' | 'fail';
  readonly timeoutSeconds: number;
  /**
   * A callback tool's wait (docs/callbacks.md): each call waits for a POST to its callback
   * URL, which expires after `timeoutSeconds`. Absent for every other tool (and in every
   * history recorded before callbacks existed).
   */
  readonly callback?: { readonly timeoutSeconds: number; readonly onTimeout: 'reject' | 'fail' };
}

/** What the workflow needs to know to drive a run, from `startRun`. */
export type StartedRun =
  | { readonly state: 'finished'; readonly status: RunStatus }
  | {
      readonly state: 'running';
      readonly ref: RunRef;
      readonly limits: RunLimits;
      readonly tools: readonly ToolPolicy[];
      readonly approvals: AgentSpec['approvals'];
      readonly messagePolicy: MessagePolicy;
      readonly messages: ConversationMessage[];
      /**
       * A replay: its steps before `fromStep` answer from the replayed run's records, so they
       * ask no approval and count no usage. Absent on every other run (and in every history
       * recorded before replays existed).
       */
      readonly replayOf?: RunReplayOf;
    };

export interface ModelStepInput {
  readonly ref: RunRef;
  readonly step: number;
  readonly messages: readonly ConversationMessage[];
  /** What the agent's previous step returned as `state` (code and HTTP agents); absent before. */
  readonly state?: unknown;
}

export interface ToolStepInput {
  readonly ref: RunRef;
  readonly step: number;
  readonly call: ToolCall;
}

export interface RequestApprovalInput {
  readonly ref: RunRef;
  readonly step: number;
  readonly call: ToolCall;
  readonly approvalId: string;
  /** ISO time the approval expires, or null for never. */
  readonly expiresAt: string | null;
}

export interface ResolveApprovalInput {
  readonly ref: RunRef;
  readonly step: number;
  readonly approvalId: string;
  readonly decision: 'approve' | 'reject' | 'expire';
  readonly comment?: string | undefined;
  readonly decidedBy: string;
}

export interface RequestCallbackInput {
  readonly ref: RunRef;
  readonly step: number;
  readonly call: ToolCall;
  /** ISO time the callback URL expires. */
  readonly expiresAt: string;
}

/** The waitpoint a callback call waits at: the id a completing POST signals. */
export interface RequestedCallback {
  readonly waitpointId: string;
}

export interface ResolveCallbackInput {
  readonly ref: RunRef;
  readonly step: number;
  readonly waitpointId: string;
}

/** What became of a waitpoint: posted to in time, or expired (the run may have ended since). */
export interface ResolvedCallback {
  readonly outcome: 'completed' | 'expired';
}

export interface RecordMessagesInput {
  readonly ref: RunRef;
  /** The model step the messages are delivered to. */
  readonly step: number;
  readonly messages: readonly RunMessage[];
  /** Whether the first message stopped a step in flight. */
  readonly interrupted: boolean;
}

/**
 * How the workflow reports a run's end: the run service's {@link RunEnd} without the tenant,
 * which recorded histories never carried (the activity reads it from the run row).
 */
export type FinishRunInput = Omit<RunEnd, 'tenantId'>;

export type { AgentReply, ModelReply, RunOutcome, ToolOutcome };
