import type { Kysely } from 'kysely';
import { appendThreadTurn } from '../db/repositories/thread-messages.ts';
import { lockThread } from '../db/repositories/threads.ts';
import type { Database } from '../db/schema.ts';
import type { StoredConversationMessage } from '../domain/thread.ts';

/** What a run that is a turn of a thread hands the thread as it ends. */
export interface ThreadTurnEnd {
  readonly threadId: string;
  /** The turn's conversation: its input, the agent's replies, tool results, messages sent in. */
  readonly messages: readonly StoredConversationMessage[];
  /** What the adapter ended the turn with, for the thread's next turn; undefined for nothing. */
  readonly agentState?: unknown;
}

/**
 * Adds the turn's messages to its thread and keeps its adapter state for the next turn, in
 * one transaction under the thread's lock, unless a newer run rolled the turn back. A
 * repeat (a retried activity) adds nothing.
 */
export async function recordThreadTurn(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  turn: ThreadTurnEnd,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockThread(trx, tenantId, turn.threadId);
    const run = await trx
      .selectFrom('runs')
      .select('thread_discarded_at')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    if (run.thread_discarded_at !== null) return;
    await appendThreadTurn(trx, { tenantId, threadId: turn.threadId, runId, messages: turn.messages });
    if (turn.agentState !== undefined) {
      await trx
        .updateTable('runs')
        .set({ turn_state: JSON.stringify(turn.agentState) })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', runId)
        .execute();
    }
  });
}
