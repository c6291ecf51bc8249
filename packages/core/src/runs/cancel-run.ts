import { WorkflowNotFoundError } from '@temporalio/client';
import { announceRunChange } from '../cache/run-cache.ts';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import { applyRunTransition, getRun } from '../db/repositories/runs.ts';
import type { Run } from '../domain/resources.ts';
import { admitRunsBestEffort } from './admit-runs.ts';
import { getLiveRun } from './live-run.ts';
import type { RunActor, RunServiceResources, TenantRunRef } from './run-service-resources.ts';

/**
 * Cancels a run that has not ended: Temporal cancels its workflow (steps in flight are
 * stopped, and the workflow's `finishRun` closes the run `cancelled`). A run whose workflow
 * never started (still queued) is closed here, and the slot it may have held goes to the next
 * queued run. Audited once Temporal has accepted the cancellation. Answers the run as it is
 * now (usually still in its old state: the workflow closes it moments later).
 */
export async function cancelRun(resources: RunServiceResources, target: TenantRunRef, by: RunActor): Promise<Run> {
  const { db, temporal } = resources;
  const run = await getLiveRun(resources, target);
  try {
    await temporal.workflow.getHandle(run.id).cancel();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    // Never started (still queued): there is nothing to stop, only a row to close.
    const change = await applyRunTransition(db, {
      tenantId: run.tenantId,
      runId: run.id,
      to: 'cancelled',
      error: { code: 'run_cancelled', message: 'the run was cancelled before it started', step: null },
      events: [{ runId: run.id, type: 'run.cancelled', data: {}, dedupeKey: 'run.finished' }],
    });
    await announceRunChange(resources, change);
    // It may have held a slot (admitted, its workflow not yet started): the next run gets it.
    await admitRunsBestEffort(resources, run.tenantId);
  }
  // Temporal holds the cancellation, not this database: recorded once it has accepted it.
  await recordAuditEvent(db, {
    ...by,
    action: 'run.cancelled',
    target: { type: 'run', id: run.id },
    details: { statusBefore: run.status },
  });
  return getRun(db, run.tenantId, run.id);
}
