import { announceRunChange } from '../cache/run-cache.ts';
import { resolvePendingApproval } from '../db/repositories/approvals.ts';
import type { Run } from '../domain/resources.ts';
import { admitRunsBestEffort } from './admit-runs.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** What became of a pending approval of a tenant's run: a person's decision, or its deadline. */
export interface ApprovalResolution {
  readonly tenantId: string;
  readonly runId: string;
  readonly step: number;
  readonly approvalId: string;
  readonly decision: 'approve' | 'reject' | 'expire';
  readonly comment?: string | undefined;
  /** The deciding principal's subject, or `deadline`. */
  readonly decidedBy: string;
}

/**
 * Takes a decided (or expired) approval off the run, with an `approval.decided` event; when
 * none is left the run goes back to `running`, even if its tenant is at its concurrent-run
 * limit: an admitted run keeps its right to run (the limit governs admission of new runs).
 * One fewer run waiting may lift the tenant's waiting cap, so admission runs after it (best
 * effort). Repeating it changes nothing.
 */
export async function resolveApproval(resources: RunServiceResources, resolution: ApprovalResolution): Promise<Run> {
  const { tenantId, runId, step, approvalId, decision, comment, decidedBy } = resolution;
  const change = await resolvePendingApproval(resources.db, tenantId, runId, approvalId, {
    runId,
    type: 'approval.decided',
    step,
    data: { approvalId, decision, comment: comment ?? null, decidedBy },
    dedupeKey: `approval.decided:${approvalId}`,
  });
  await announceRunChange(resources, change);
  if (resources.limits.maxWaitingRuns > 0) await admitRunsBestEffort(resources, change.run.tenantId);
  return change.run;
}
