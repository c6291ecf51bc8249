import type { RunUsage } from '../domain/resources.ts';

/** Workflow type of a run; its workflow id is always the run id. */
export const agentRunWorkflowType = 'agentRun';

/** What starts an `agentRun` workflow. Everything else is read from the database by activities. */
export interface AgentRunWorkflowInput {
  readonly runId: string;
}

/** Temporal Update that approves or rejects a pending tool call. */
export const decideApprovalUpdate = 'decideApproval';

/** A human decision on a pending approval. */
export interface ApprovalDecision {
  readonly approvalId: string;
  readonly decision: 'approve' | 'reject';
  readonly comment?: string | undefined;
  /** Who decided: the credential's subject. */
  readonly decidedBy: string;
}

/**
 * Temporal Signal that asks a run to stop at its next step boundary, keeping what it did: a
 * newer run of its thread takes over (double texting's `interrupt`).
 */
export const interruptRunSignal = 'interruptRun';

/**
 * Temporal Signal that wakes a run waiting at a waitpoint whose callback URL was POSTed to
 * (its argument: the waitpoint id). The POST already completed the waitpoint in the
 * database, which stays the record: the run reads the posted JSON from there. A signal, not
 * an update, so a POST is taken while no worker runs.
 */
export const callbackCompletedSignal = 'callbackCompleted';

/** Temporal Update that sends a user message into a running or waiting run. */
export const sendMessageUpdate = 'sendMessage';

/** A user message for a run. */
export interface RunMessage {
  readonly messageId: string;
  readonly content: string;
  readonly sentBy: string;
}

/** What became of an accepted message. */
export interface SendMessageResult {
  readonly messageId: string;
  /** `enqueued`: delivered at the next model step; `interrupted`: the step in flight was stopped for it. */
  readonly disposition: 'enqueued' | 'interrupted';
}

/**
 * Why the workflow refused an update (the `type` of the failure its validator throws); the
 * API answers each with 409.
 */
export const updateRejections = {
  approvalNotPending: 'approval_not_pending',
  runBusy: 'run_busy',
  runFinishing: 'run_finished',
} as const;

/** Usage of a run that has not done anything yet. */
export const emptyUsage: RunUsage = {
  steps: 0,
  modelCalls: 0,
  toolCalls: 0,
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  cachedInputTokens: 0,
  costUsd: 0,
};
