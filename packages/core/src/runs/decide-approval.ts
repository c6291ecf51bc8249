import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import { decideApprovalUpdate, type ApprovalDecision } from '../execution/agent-run-contract.ts';
import { getLiveRun } from './live-run.ts';
import type { RunActor, RunServiceResources, TenantRunRef } from './run-service-resources.ts';
import { updateRunWorkflow } from './update-run-workflow.ts';

/** A person's decision on one pending approval of a run. */
export interface ApprovalVerdict {
  readonly approvalId: string;
  readonly decision: 'approve' | 'reject';
  /** Why; recorded in the run's events, never in the audit log. */
  readonly comment?: string | undefined;
}

/**
 * Approves or rejects a pending tool call (Temporal Update `decideApproval`, so the caller
 * learns at once whether it applied: 409 `approval_not_pending` otherwise). The workflow then
 * resolves the approval, which moves the run back to `running` when none is left. Audited.
 */
export async function decideApproval(
  resources: RunServiceResources,
  target: TenantRunRef,
  verdict: ApprovalVerdict,
  by: RunActor,
): Promise<ApprovalVerdict> {
  const run = await getLiveRun(resources, target);
  const decision: ApprovalDecision = {
    approvalId: verdict.approvalId,
    decision: verdict.decision,
    comment: verdict.comment,
    decidedBy: by.actor.subject,
  };
  await updateRunWorkflow(resources.temporal, run.id, decideApprovalUpdate, decision);
  // The comment is user content: the log says a comment was given, not what it said.
  await recordAuditEvent(resources.db, {
    ...by,
    action: 'approval.decided',
    target: { type: 'run', id: run.id },
    details: { approvalId: decision.approvalId, decision: decision.decision, commented: Boolean(decision.comment) },
  });
  return { approvalId: decision.approvalId, decision: decision.decision };
}
