import { sql, type Kysely } from 'kysely';
import { deleteBlobsUnder } from '../blobs/delete-blobs-under.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { RunCache } from '../cache/run-cache.ts';
import type { Database } from '../db/schema.ts';
import { payloadsPrefixOf } from '../execution/claim-check-codec.ts';
import type { Logger } from '../logger.ts';

/** What deleting runs for good touches besides the database rows. */
export interface RunDeletionResources {
  readonly db: Kysely<Database>;
  /** Where the runs' artifacts and claim-check payloads are. */
  readonly blobs: BlobStore;
  /** The copies of runs to forget. */
  readonly runCache: RunCache;
  readonly logger: Logger;
}

const endedStatuses = ['succeeded', 'failed', 'cancelled', 'timed_out'] as const;

/**
 * Deletes the rows of the tenant's ended runs among `runIds` in every table a run owns: its
 * events, tool calls, model step replies, artifact records, the LangGraph checkpoints of a
 * run without a thread (keyed by the run's id), and the run row with its approvals state.
 * Call it inside the transaction that records why (an audit event), then
 * {@link deleteRunBlobsAndCopies} once it has committed. Runs that have not ended, or are
 * another tenant's, are left alone.
 *
 * A turn's messages stay in its thread (they are the thread's conversation until the thread
 * goes); when the run is its thread's newest turn with adapter state, that state moves to the
 * thread first, so the thread's next turn still starts from it.
 * @returns the ids of the runs it deleted
 */
export async function deleteRunRows(
  trx: Kysely<Database>,
  tenantId: string,
  runIds: readonly string[],
): Promise<string[]> {
  if (runIds.length === 0) return [];
  const ended = await trx
    .selectFrom('runs')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', runIds)
    .where('status', 'in', endedStatuses)
    .forUpdate()
    .execute();
  const ids = ended.map((row) => row.id);
  if (ids.length === 0) return [];
  await sql`update threads t set agent_state = carried.turn_state
    from (
      select distinct on (r.thread_id) r.thread_id, r.id, r.turn_state
      from runs r
      where r.tenant_id = ${tenantId}
        and r.thread_id in (select thread_id from runs where id in (${sql.join(ids)}) and thread_id is not null)
        and r.turn_state is not null and r.thread_discarded_at is null
      order by r.thread_id, r.created_at desc, r.id desc
    ) carried
    where t.id = carried.thread_id and carried.id in (${sql.join(ids)})`.execute(trx);
  // Run events are append-only; this transaction, and only this one, may delete them (0016).
  await sql`select set_config('agent_runtime.deleting_runs', 'on', true)`.execute(trx);
  await trx.deleteFrom('run_events').where('tenant_id', '=', tenantId).where('run_id', 'in', ids).execute();
  await trx.deleteFrom('tool_calls').where('tenant_id', '=', tenantId).where('run_id', 'in', ids).execute();
  await trx.deleteFrom('model_step_replies').where('tenant_id', '=', tenantId).where('run_id', 'in', ids).execute();
  await trx.deleteFrom('artifacts').where('tenant_id', '=', tenantId).where('run_id', 'in', ids).execute();
  // Their webhook deliveries hold the events' payloads: they go too (a pending one stops at its next attempt).
  await trx.deleteFrom('webhook_deliveries').where('tenant_id', '=', tenantId).where('run_id', 'in', ids).execute();
  // A run without a thread ran its LangGraph graph on the run's own id.
  await deleteLangGraphThreads(trx, tenantId, ids);
  await trx.deleteFrom('runs').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  await sql`select set_config('agent_runtime.deleting_runs', 'off', true)`.execute(trx);
  return ids;
}

/**
 * After the transaction of {@link deleteRunRows} committed: deletes the runs' artifact blobs
 * (`artifacts/<tenant>/<run>/`) and claim-check payload blobs (`payloads/workflows/<run>/`),
 * and their copies in the run cache. Never rejects: a blob that could not be deleted now is an
 * orphan, which the retention pass's orphan sweep deletes later.
 */
export async function deleteRunBlobsAndCopies(
  resources: RunDeletionResources,
  tenantId: string,
  runIds: readonly string[],
): Promise<void> {
  for (const runId of runIds) {
    await resources.runCache.forget(tenantId, runId);
    const prefixes = [`artifacts/${tenantId}/${runId}/`, payloadsPrefixOf(runId)];
    for (const prefix of prefixes) {
      if (prefix === undefined) continue;
      await deleteBlobsUnder(resources.blobs, prefix).catch((error: unknown) =>
        resources.logger.warn({ err: error, runId, prefix }, 'blobs of a deleted run are left for the orphan sweep'),
      );
    }
  }
}

/** The tenant's LangGraph checkpoints (and their writes) of these LangGraph thread ids: run ids, or threads' ids. */
export async function deleteLangGraphThreads(
  trx: Kysely<Database>,
  tenantId: string,
  threadIds: readonly string[],
): Promise<void> {
  if (threadIds.length === 0) return;
  await trx
    .deleteFrom('langgraph_checkpoint_writes')
    .where('tenant_id', '=', tenantId)
    .where('thread_id', 'in', threadIds)
    .execute();
  await trx
    .deleteFrom('langgraph_checkpoints')
    .where('tenant_id', '=', tenantId)
    .where('thread_id', 'in', threadIds)
    .execute();
}
