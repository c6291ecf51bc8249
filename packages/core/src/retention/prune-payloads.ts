import { sql } from 'kysely';
import { deleteBlobsUnder } from '../blobs/delete-blobs-under.ts';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import { payloadsPrefixOf } from '../execution/claim-check-codec.ts';
import type { PruneRetentionResult } from '../execution/retention-contract.ts';
import type { RunDeletionResources } from './delete-runs.ts';
import { olderThanRetention } from './retention-cutoff.ts';
import { endedRunStatuses, groupByTenant, retentionActor, type RetentionOptions } from './retention-options.ts';

/**
 * Deletes the claim-check payload blobs (`payloads/workflows/<run>/`) of one batch of runs
 * that ended longer ago than their tenant keeps payloads, then marks the runs
 * (`payloads_pruned_at`) with one audit event per tenant that had any (`tenant.payloads_pruned`). Blobs
 * first: a batch that fails midway is picked again and deletes what is left. The runs stay;
 * only their closed workflows' histories referred to these blobs.
 */
export async function pruneEndedRunPayloads(
  resources: RunDeletionResources,
  options: RetentionOptions,
): Promise<PruneRetentionResult> {
  const ended = await resources.db
    .selectFrom('runs as r')
    .innerJoin('tenants as tn', 'tn.id', 'r.tenant_id')
    .select(['r.id', 'r.tenant_id'])
    .where('r.status', 'in', endedRunStatuses)
    .where('r.payloads_pruned_at', 'is', null)
    .where(olderThanRetention(sql`r.ended_at`, 'retention_payloads_days', options.defaults.payloadsDays))
    .orderBy('r.ended_at')
    .orderBy('r.id')
    .limit(options.batchSize)
    .execute();
  for (const [tenantId, runs] of groupByTenant(ended)) {
    let blobs = 0;
    const withBlobs: string[] = [];
    for (const run of runs) {
      const prefix = payloadsPrefixOf(run.id);
      const deleted = prefix === undefined ? 0 : await deleteBlobsUnder(resources.blobs, prefix);
      if (deleted > 0) withBlobs.push(run.id);
      blobs += deleted;
    }
    const runIds = runs.map((run) => run.id);
    await resources.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('runs')
        .set({ payloads_pruned_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', runIds)
        .execute();
      // Most runs never offload a payload: only those that had blobs are worth an entry.
      if (blobs === 0) return;
      await recordAuditEvent(trx, {
        tenantId,
        actor: retentionActor,
        action: 'tenant.payloads_pruned',
        target: { type: 'tenant', id: tenantId },
        details: { runIds: withBlobs, blobs },
      });
    });
  }
  return { pruned: ended.length, done: ended.length < options.batchSize };
}
