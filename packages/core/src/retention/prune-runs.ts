import { sql } from 'kysely';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import type { PruneRetentionResult } from '../execution/retention-contract.ts';
import { deleteRunBlobsAndCopies, deleteRunRows, type RunDeletionResources } from './delete-runs.ts';
import { olderThanRetention } from './retention-cutoff.ts';
import {
  endedRunStatuses,
  groupByTenant,
  retentionActor,
  unfinishedRunStatuses,
  type RetentionOptions,
} from './retention-options.ts';

/**
 * Deletes for good one batch of runs that ended longer ago than their tenant keeps runs,
 * oldest first, each tenant's in one transaction with one audit event (`tenant.runs_pruned`).
 * A run that an unfinished replay reads its recorded steps from waits until the replay ends.
 */
export async function pruneExpiredRuns(
  resources: RunDeletionResources,
  options: RetentionOptions,
): Promise<PruneRetentionResult> {
  const expired = await resources.db
    .selectFrom('runs as r')
    .innerJoin('tenants as tn', 'tn.id', 'r.tenant_id')
    .select(['r.id', 'r.tenant_id'])
    .where('r.status', 'in', endedRunStatuses)
    .where(olderThanRetention(sql`r.ended_at`, 'retention_runs_days', options.defaults.runsDays))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('runs as replay')
            .select('replay.id')
            .whereRef('replay.replay_of_run_id', '=', 'r.id')
            .where('replay.status', 'in', unfinishedRunStatuses),
        ),
      ),
    )
    .orderBy('r.ended_at')
    .orderBy('r.id')
    .limit(options.batchSize)
    .execute();
  let pruned = 0;
  for (const [tenantId, runs] of groupByTenant(expired)) {
    const deleted = await resources.db.transaction().execute(async (trx) => {
      const runIds = await deleteRunRows(
        trx,
        tenantId,
        runs.map((run) => run.id),
      );
      if (runIds.length > 0) {
        await recordAuditEvent(trx, {
          tenantId,
          actor: retentionActor,
          action: 'tenant.runs_pruned',
          target: { type: 'tenant', id: tenantId },
          details: { runIds },
        });
      }
      return runIds;
    });
    await deleteRunBlobsAndCopies(resources, tenantId, deleted);
    pruned += deleted.length;
  }
  return { pruned, done: expired.length < options.batchSize };
}
