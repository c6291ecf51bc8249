import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { PruneRetentionResult } from '../execution/retention-contract.ts';
import { deleteThread } from '../threads/delete-thread.ts';
import type { RunDeletionResources } from './delete-runs.ts';
import { olderThanRetention } from './retention-cutoff.ts';
import { retentionActor, type RetentionOptions } from './retention-options.ts';

/**
 * When a thread was last active: created or changed, or its newest run ended. A run still in
 * progress counts as active now, so a busy thread is never idle.
 */
const idleSince = sql`greatest(t.updated_at, (
  select max(coalesce(r.ended_at, 'infinity'::timestamptz)) from runs r where r.thread_id = t.id
))`;

/**
 * Deletes one batch of threads idle longer than their tenant keeps threads, each with its
 * runs and everything they own (`deleteThread`, audited `thread.deleted` by `retention`).
 * A thread that got a new run since it was picked is skipped (`thread_busy`).
 */
export async function pruneIdleThreads(
  resources: RunDeletionResources,
  options: RetentionOptions,
): Promise<PruneRetentionResult> {
  const idle = await resources.db
    .selectFrom('threads as t')
    .innerJoin('tenants as tn', 'tn.id', 't.tenant_id')
    .select(['t.id', 't.tenant_id'])
    .where(olderThanRetention(idleSince, 'retention_threads_days', options.defaults.threadsDays))
    .orderBy('t.updated_at')
    .orderBy('t.id')
    .limit(options.batchSize)
    .execute();
  let pruned = 0;
  for (const thread of idle) {
    try {
      await deleteThread(
        resources,
        { tenantId: thread.tenant_id, threadId: thread.id },
        { tenantId: thread.tenant_id, actor: retentionActor, details: { reason: 'retention' } },
      );
      pruned += 1;
    } catch (error) {
      if (!(error instanceof AppError && (error.code === 'thread_busy' || error.code === 'not_found'))) throw error;
      resources.logger.debug({ threadId: thread.id, code: error.code }, 'idle thread not pruned: it changed meanwhile');
    }
  }
  return { pruned, done: idle.length < options.batchSize };
}
