import { recordAuditEvent, type NewAuditEvent } from '../db/repositories/audit-events.ts';
import { deleteUnreferencedMessages } from '../db/repositories/thread-messages.ts';
import { listUnfinishedThreadRuns, lockThread } from '../db/repositories/threads.ts';
import { AppError } from '../errors.ts';
import {
  deleteLangGraphThreads,
  deleteRunBlobsAndCopies,
  deleteRunRows,
  type RunDeletionResources,
} from '../retention/delete-runs.ts';

/**
 * Deletes a thread for good: in one transaction its runs (with everything a run owns, see
 * `deleteRunRows`), its messages (and their bodies no other thread shares), its LangGraph
 * checkpoints and the thread itself; then its runs' blobs and cached copies. Refused with 409
 * `thread_busy` while one of its runs has not ended (cancel it first). Audited once, with the
 * ids of the runs that went with it. Used by `DELETE /v1/threads/{id}` and by retention.
 */
export async function deleteThread(
  resources: RunDeletionResources,
  target: { readonly tenantId: string; readonly threadId: string },
  by: Omit<NewAuditEvent, 'action' | 'target'>,
): Promise<void> {
  const { tenantId, threadId } = target;
  const runIds = await resources.db.transaction().execute(async (trx) => {
    await lockThread(trx, tenantId, threadId);
    const unfinished = await listUnfinishedThreadRuns(trx, threadId);
    if (unfinished.length > 0) {
      throw new AppError('thread_busy', `thread ${threadId} has runs in progress; cancel them first`, {
        threadId,
        runIds: unfinished.map((run) => run.id),
      });
    }
    const turns = await trx
      .selectFrom('runs')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('thread_id', '=', threadId)
      .execute();
    const deleted = await deleteRunRows(
      trx,
      tenantId,
      turns.map((run) => run.id),
    );
    await trx.deleteFrom('thread_messages').where('thread_id', '=', threadId).execute();
    await deleteUnreferencedMessages(trx);
    await deleteLangGraphThreads(trx, tenantId, [threadId]);
    await trx.deleteFrom('threads').where('tenant_id', '=', tenantId).where('id', '=', threadId).execute();
    await recordAuditEvent(trx, {
      ...by,
      action: 'thread.deleted',
      target: { type: 'thread', id: threadId },
      details: { ...by.details, runIds: deleted },
    });
    return deleted;
  });
  await deleteRunBlobsAndCopies(resources, tenantId, runIds);
}
