import type { AgentReply, ToolCall, ToolOutcome } from '@agent-runtime/agents';
import {
  findApprovalDecision,
  getRun,
  recordedModelStepReply,
  recordedToolCallResult,
  type Database,
} from '@agent-runtime/core';
import { ApplicationFailure } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { nonRetryable, type createSpecCache, type ReplayOfCache } from './activity-support.ts';
import type { RunRef } from './activity-types.ts';

/**
 * A step of a replay before its `fromStep` (`POST /v1/runs/{id}/replay`) is answered from the
 * replayed run's records: its recorded reply and its recorded tool results. Nothing is called,
 * so no earlier side effect repeats; the workflow drives the step as any other.
 */
export interface ReplayedStep {
  /** The replayed run: the run whose records answer the step. */
  readonly sourceRunId: string;
}

/** The replayed run this step answers from, when the run is a replay and the step comes before its `fromStep`. */
export async function replayedStepOf(
  replayOfs: ReplayOfCache,
  ref: RunRef,
  step: number,
): Promise<ReplayedStep | undefined> {
  const replayOf = await replayOfs.of(ref);
  return replayOf !== undefined && step < replayOf.fromStep ? { sourceRunId: replayOf.runId } : undefined;
}

/**
 * The reply the replayed run recorded for this step. The run service checked that every
 * replayed step has one; a record gone since (the source pruned) fails the replay `not_found`.
 */
export async function replayedReply(
  db: Kysely<Database>,
  ref: RunRef,
  step: number,
  { sourceRunId }: ReplayedStep,
): Promise<AgentReply> {
  const reply = await recordedModelStepReply<AgentReply>(db, { tenantId: ref.tenantId, runId: sourceRunId, step });
  if (reply === undefined) {
    throw ApplicationFailure.nonRetryable(
      `run ${sourceRunId} has no recorded reply of step ${step} to replay`,
      'not_found',
    );
  }
  return reply;
}

/**
 * What the replayed run's model got for one tool call of this step: the result the call
 * recorded (under the source's key `runId:step:callId`); else, for a call a reviewer rejected
 * or let expire, the same refusal; else (a call that failed, or was interrupted, without a
 * result) a `tool_failed` outcome saying so.
 */
export async function replayedToolOutcome(
  db: Kysely<Database>,
  specOf: ReturnType<typeof createSpecCache>,
  ref: RunRef,
  step: number,
  call: ToolCall,
  { sourceRunId }: ReplayedStep,
): Promise<ToolOutcome> {
  const { tenantId } = ref;
  const recorded = await recordedToolCallResult(db, {
    tenantId,
    idempotencyKey: `${sourceRunId}:${step}:${call.id}`,
  });
  if (recorded !== undefined) return recorded.result as ToolOutcome;
  // The workflow names each approval after its step and call.
  const approvalId = `${step}-${call.id}`;
  const decided = await findApprovalDecision(db, tenantId, sourceRunId, { step, approvalId });
  if (decided?.data.decision === 'reject') {
    return {
      ok: false,
      error: { code: 'approval_rejected', message: decided.data.comment ?? 'rejected by a reviewer' },
    };
  }
  if (decided?.data.decision === 'expire') {
    // As the workflow worded it, under the replayed run's own version.
    const source = await getRun(db, tenantId, sourceRunId).catch(nonRetryable);
    const spec = await specOf({ ...ref, runId: sourceRunId, agentVersion: source.agentVersion });
    const message = `no decision on approval ${approvalId} within ${spec.approvals.timeoutSeconds}s`;
    return { ok: false, error: { code: 'approval_expired', message } };
  }
  return {
    ok: false,
    error: { code: 'tool_failed', message: `run ${sourceRunId} recorded no result of this call to replay` },
  };
}
