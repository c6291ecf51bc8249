import { addPendingApproval, resolvePendingApproval } from '@agent-runtime/core';
import { createRunChangeAnnouncer, nonRetryable, type ActivityDependencies } from './activity-support.ts';
import type { RequestApprovalInput, ResolveApprovalInput } from './activity-types.ts';

/** The activities that put a tool call before a human and record the decision. */
export function createApprovalActivities(dependencies: ActivityDependencies) {
  const { db } = dependencies;
  const announce = createRunChangeAnnouncer(dependencies);
  return {
    /** Shows the approval on the run (now `waiting`) with an `approval.requested` event. */
    async requestApproval({ ref, step, call, approvalId, expiresAt }: RequestApprovalInput): Promise<void> {
      const change = await addPendingApproval(
        db,
        ref.runId,
        {
          id: approvalId,
          step,
          callId: call.id,
          tool: call.name,
          input: call.arguments as never,
          requestedAt: new Date().toISOString(),
          expiresAt,
        },
        {
          runId: ref.runId,
          type: 'approval.requested',
          step,
          data: { approvalId, callId: call.id, tool: call.name, input: call.arguments, expiresAt },
          dedupeKey: `approval.requested:${approvalId}`,
        },
      ).catch(nonRetryable);
      await announce(change);
    },

    /** Takes the approval off the run (back to `running` when none is left) with an `approval.decided` event. */
    async resolveApproval({
      ref,
      step,
      approvalId,
      decision,
      comment,
      decidedBy,
    }: ResolveApprovalInput): Promise<void> {
      const change = await resolvePendingApproval(db, ref.runId, approvalId, {
        runId: ref.runId,
        type: 'approval.decided',
        step,
        data: { approvalId, decision, comment: comment ?? null, decidedBy },
        dedupeKey: `approval.decided:${approvalId}`,
      }).catch(nonRetryable);
      await announce(change);
    },
  };
}
