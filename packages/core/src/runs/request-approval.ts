import { announceRunChange } from '../cache/run-cache.ts';
import { addPendingApproval } from '../db/repositories/approvals.ts';
import type { Run } from '../domain/resources.ts';
import { admitRunsBestEffort } from './admit-runs.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A tool call of a tenant's run that needs a person's decision before it runs. */
export interface ApprovalRequest {
  readonly tenantId: string;
  readonly runId: string;
  readonly step: number;
  /** Unique within the run (`<step>-<callId>`): the id a decision names. */
  readonly approvalId: string;
  readonly callId: string;
  readonly tool: string;
  readonly input: unknown;
  /** ISO time the approval expires, or null for never. */
  readonly expiresAt: string | null;
}

/**
 * Puts the approval on the run, which moves from `running` to `waiting`, with an
 * `approval.requested` event, atomically; makes the change known. A waiting run uses no
 * worker, so its slot goes to the tenant's next queued run at once (best effort: the
 * reconciler retries). Repeating it changes nothing.
 */
export async function requestApproval(resources: RunServiceResources, request: ApprovalRequest): Promise<Run> {
  const { tenantId, runId, step, approvalId, callId, tool, input, expiresAt } = request;
  const change = await addPendingApproval(
    resources.db,
    tenantId,
    runId,
    { id: approvalId, step, callId, tool, input: input as never, requestedAt: new Date().toISOString(), expiresAt },
    {
      runId,
      type: 'approval.requested',
      step,
      data: { approvalId, callId, tool, input, expiresAt },
      dedupeKey: `approval.requested:${approvalId}`,
    },
  );
  await announceRunChange(resources, change);
  if (change.run.status === 'waiting') await admitRunsBestEffort(resources, change.run.tenantId);
  return change.run;
}
