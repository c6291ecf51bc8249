import { nonRetryable, type ActivityDependencies } from './activity-support.ts';
import type { RequestApprovalInput, ResolveApprovalInput } from './activity-types.ts';

/** The activities that put a tool call before a human and record the decision, through the run service. */
export function createApprovalActivities({ runs }: ActivityDependencies) {
  return {
    /** Shows the approval on the run (now `waiting`) with an `approval.requested` event. */
    async requestApproval({ ref, step, call, approvalId, expiresAt }: RequestApprovalInput): Promise<void> {
      await runs
        .requestApproval({
          tenantId: ref.tenantId,
          runId: ref.runId,
          step,
          approvalId,
          callId: call.id,
          tool: call.name,
          input: call.arguments,
          expiresAt,
        })
        .catch(nonRetryable);
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
      await runs
        .resolveApproval({ tenantId: ref.tenantId, runId: ref.runId, step, approvalId, decision, comment, decidedBy })
        .catch(nonRetryable);
    },
  };
}
