import { sql, type Kysely } from 'kysely';
import { recordAuditEvent, type NewAuditEvent } from '../db/repositories/audit-events.ts';
import { copyThreadMessages } from '../db/repositories/thread-messages.ts';
import { createThread, getThread } from '../db/repositories/threads.ts';
import type { Database } from '../db/schema.ts';
import type { Thread } from '../domain/thread.ts';
import { AppError } from '../errors.ts';

/** Where a fork branches off: after a message, after a run's turn, or (neither) after the last message. */
export interface ForkPosition {
  readonly seq?: number | undefined;
  readonly runId?: string | undefined;
}

/** The last message a fork holds, as `seq`; 0 for an empty thread. */
async function forkSeqOf(trx: Kysely<Database>, threadId: string, at: ForkPosition): Promise<number> {
  const query = trx
    .selectFrom('thread_messages')
    .select((eb) => eb.fn.max('seq').as('last'))
    .where('thread_id', '=', threadId);
  if (at.runId !== undefined) {
    const { last } = await query.where('run_id', '=', at.runId).executeTakeFirstOrThrow();
    if (last === null) {
      throw new AppError('validation_failed', `run ${at.runId} added no messages to thread ${threadId}`, {
        errors: [{ path: 'runId', message: 'not a turn of this thread' }],
      });
    }
    return last;
  }
  const { last } = await query.executeTakeFirstOrThrow();
  if (at.seq === undefined) return last ?? 0;
  if (at.seq > (last ?? 0)) {
    throw new AppError('validation_failed', `thread ${threadId} has ${last ?? 0} messages`, {
      errors: [{ path: 'seq', message: `at most ${last ?? 0}` }],
    });
  }
  return at.seq;
}

/**
 * The adapter state a fork's first turn starts from: what the turn that wrote the fork's
 * last message ended with (the source's own fork state when that message came with the fork).
 */
async function stateAtFork(trx: Kysely<Database>, tenantId: string, threadId: string, seq: number): Promise<unknown> {
  if (seq === 0) return undefined;
  const row = await trx
    .selectFrom('thread_messages as m')
    .leftJoin('runs as r', 'r.id', 'm.run_id')
    .select('r.turn_state')
    .where('m.thread_id', '=', threadId)
    .where('m.seq', '=', seq)
    .executeTakeFirst();
  if (row?.turn_state !== null && row?.turn_state !== undefined) return row.turn_state;
  const source = await trx
    .selectFrom('threads')
    .select('agent_state')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', threadId)
    .executeTakeFirstOrThrow();
  return source.agent_state ?? undefined;
}

/**
 * Creates a thread holding the source thread's conversation up to a message, to try another
 * path from there. Messages are shared by reference (copy on write: a new turn writes only
 * its own), the adapter state of the turn it branches after is handed to its first turn, and
 * a LangGraph agent's checkpoints are copied under the new thread. Audited.
 */
export async function forkThread(
  db: Kysely<Database>,
  source: { readonly tenantId: string; readonly threadId: string },
  at: ForkPosition,
  options: {
    readonly metadata?: Record<string, string> | undefined;
    readonly by: Omit<NewAuditEvent, 'action' | 'target'>;
  },
): Promise<Thread> {
  const { tenantId, threadId } = source;
  return db.transaction().execute(async (trx) => {
    const original = await getThread(trx, tenantId, threadId);
    const seq = await forkSeqOf(trx, threadId, at);
    const fork = await createThread(trx, {
      tenantId,
      metadata: options.metadata ?? original.metadata,
      forkedFrom: { threadId, seq },
      agentState: await stateAtFork(trx, tenantId, threadId, seq),
    });
    await copyThreadMessages(trx, threadId, fork.id, seq);
    await copyLangGraphCheckpoints(trx, tenantId, threadId, fork.id);
    await recordAuditEvent(trx, {
      ...options.by,
      action: 'thread.forked',
      target: { type: 'thread', id: fork.id },
      details: { from: threadId, seq },
    });
    return getThread(trx, tenantId, fork.id);
  });
}

/** A LangGraph graph keeps its state in checkpoints under the thread's id: the fork gets its own copy. */
async function copyLangGraphCheckpoints(
  trx: Kysely<Database>,
  tenantId: string,
  from: string,
  to: string,
): Promise<void> {
  await sql`insert into langgraph_checkpoints
      (tenant_id, thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata, created_at)
    select tenant_id, ${to}, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata, created_at
    from langgraph_checkpoints where tenant_id = ${tenantId} and thread_id = ${from}`.execute(trx);
  await sql`insert into langgraph_checkpoint_writes
      (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value, task_path)
    select tenant_id, ${to}, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value, task_path
    from langgraph_checkpoint_writes where tenant_id = ${tenantId} and thread_id = ${from}`.execute(trx);
}
