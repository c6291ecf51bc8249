import { sql } from 'kysely';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import type { PruneRetentionResult } from '../execution/retention-contract.ts';
import type { RunDeletionResources } from './delete-runs.ts';
import { olderThanRetention } from './retention-cutoff.ts';
import { endedRunStatuses, groupByTenant, retentionActor, type RetentionOptions } from './retention-options.ts';

/**
 * Deletes one batch of artifacts stored longer ago than their tenant keeps artifacts, of runs
 * that have ended (a run in progress may still read its own): records and audit event
 * (`tenant.artifacts_pruned`) in one transaction per tenant, then their blobs. The runs stay;
 * their `artifact.created` events then name an artifact that answers 404.
 */
export async function pruneOldArtifacts(
  resources: RunDeletionResources,
  options: RetentionOptions,
): Promise<PruneRetentionResult> {
  const old = await resources.db
    .selectFrom('artifacts as a')
    .innerJoin('tenants as tn', 'tn.id', 'a.tenant_id')
    .innerJoin('runs as r', 'r.id', 'a.run_id')
    .select(['a.id', 'a.tenant_id'])
    .where('r.status', 'in', endedRunStatuses)
    .where(olderThanRetention(sql`a.created_at`, 'retention_artifacts_days', options.defaults.artifactsDays))
    .orderBy('a.created_at')
    .orderBy('a.id')
    .limit(options.batchSize)
    .execute();
  let pruned = 0;
  for (const [tenantId, artifacts] of groupByTenant(old)) {
    const deleted = await resources.db.transaction().execute(async (trx) => {
      const rows = await trx
        .deleteFrom('artifacts')
        .where('tenant_id', '=', tenantId)
        .where(
          'id',
          'in',
          artifacts.map((artifact) => artifact.id),
        )
        .returning(['id', 'blob_key'])
        .execute();
      if (rows.length > 0) {
        await recordAuditEvent(trx, {
          tenantId,
          actor: retentionActor,
          action: 'tenant.artifacts_pruned',
          target: { type: 'tenant', id: tenantId },
          details: { artifactIds: rows.map((row) => row.id) },
        });
      }
      return rows;
    });
    for (const row of deleted) {
      await resources.blobs.delete(row.blob_key).catch((error: unknown) => {
        resources.logger.warn({ err: error, key: row.blob_key }, 'artifact blob left for the orphan sweep');
      });
    }
    pruned += deleted.length;
  }
  return { pruned, done: old.length < options.batchSize };
}
