import type { Kysely } from 'kysely';
import { recordAuditEvent, type NewAuditEvent } from '../db/repositories/audit-events.ts';
import { deleteUnreferencedMessages } from '../db/repositories/thread-messages.ts';
import { listUnfinishedThreadRuns, lockThread } from '../db/repositories/threads.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';

/**
 * Deletes a thread for good, in one transaction: its messages (and their bodies no other
 * thread shares), its LangGraph checkpoints, the thread itself; its runs stay readable by id,
 * no longer a thread's turns. Refused with 409 `thread_busy` while one of its runs has not
 * ended (cancel it first). Audited.
 */
export async function deleteThread(
  db: Kysely<Database>,
  target: { readonly tenantId: string; readonly threadId: string },
  by: Omit<NewAuditEvent, 'action' | 'target'>,
): Promise<void> {
  const { tenantId, threadId } = target;
  await db.transaction().execute(async (trx) => {
    await lockThread(trx, tenantId, threadId);
    const unfinished = await listUnfinishedThreadRuns(trx, threadId);
    if (unfinished.length > 0) {
      throw new AppError('thread_busy', `thread ${threadId} has runs in progress; cancel them first`, {
        threadId,
        runIds: unfinished.map((run) => run.id),
      });
    }
    await trx.deleteFrom('thread_messages').where('thread_id', '=', threadId).execute();
    await deleteUnreferencedMessages(trx);
    await trx
      .deleteFrom('langgraph_checkpoint_writes')
      .where('tenant_id', '=', tenantId)
      .where('thread_id', '=', threadId)
      .execute();
    await trx
      .deleteFrom('langgraph_checkpoints')
      .where('tenant_id', '=', tenantId)
      .where('thread_id', '=', threadId)
      .execute();
    await trx.updateTable('runs').set({ thread_id: null }).where('thread_id', '=', threadId).execute();
    await trx.deleteFrom('threads').where('tenant_id', '=', tenantId).where('id', '=', threadId).execute();
    await recordAuditEvent(trx, { ...by, action: 'thread.deleted', target: { type: 'thread', id: threadId } });
  });
}
