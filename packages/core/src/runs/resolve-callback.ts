import { announceRunChange } from '../cache/run-cache.ts';
import { settleWaitpoint } from '../db/repositories/waitpoints.ts';
import { admitRunsBestEffort } from './admit-runs.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A waitpoint of a tenant's run whose wait is over: its POST's signal came, or its deadline passed. */
export interface CallbackResolution {
  readonly tenantId: string;
  readonly runId: string;
  readonly step: number;
  readonly waitpointId: string;
}

/**
 * Settles the waitpoint (still pending: it expires; a POST that committed first has
 * completed it) with a `callback.resolved` event, and moves the run back to `running`, even
 * at its tenant's limit (as an approval's decision does). Answers how it ended. Repeating it
 * changes nothing.
 */
export async function resolveCallback(
  resources: RunServiceResources,
  resolution: CallbackResolution,
): Promise<{ readonly outcome: 'completed' | 'expired' }> {
  const { tenantId, runId, step, waitpointId } = resolution;
  const { change, waitpoint } = await settleWaitpoint(resources.db, tenantId, runId, waitpointId, (row) => ({
    runId,
    type: 'callback.resolved',
    step,
    data: { waitpointId, callId: row.call_id, outcome: row.status === 'completed' ? 'completed' : 'expired' },
    dedupeKey: `callback.resolved:${waitpointId}`,
  }));
  await announceRunChange(resources, change);
  if (resources.limits.maxWaitingRuns > 0) await admitRunsBestEffort(resources, change.run.tenantId);
  return { outcome: waitpoint.status === 'completed' ? 'completed' : 'expired' };
}
