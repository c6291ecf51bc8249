import { sql, type Kysely } from 'kysely';
import type { StoredConversationMessage, ThreadMessage } from '../../domain/thread.ts';
import { newId } from '../../ids.ts';
import { decodeNumberCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { Database } from '../schema.ts';

/** A turn's messages, as the run that took the turn ends. */
export interface ThreadTurn {
  readonly tenantId: string;
  readonly threadId: string;
  readonly runId: string;
  readonly messages: readonly StoredConversationMessage[];
}

/**
 * Appends a turn's messages to its thread, after every message already there, in one
 * transaction with the caller's other writes (the caller holds the thread's row lock). A
 * repeat for the same run adds nothing: an activity retried after a crash cannot duplicate a
 * turn.
 */
export async function appendThreadTurn(trx: Kysely<Database>, turn: ThreadTurn): Promise<void> {
  if (turn.messages.length === 0) return;
  const existing = await trx
    .selectFrom('thread_messages')
    .select('seq')
    .where('thread_id', '=', turn.threadId)
    .where('run_id', '=', turn.runId)
    .limit(1)
    .executeTakeFirst();
  if (existing) return;
  const { last } = await trx
    .selectFrom('thread_messages')
    .select((eb) => eb.fn.max('seq').as('last'))
    .where('thread_id', '=', turn.threadId)
    .executeTakeFirstOrThrow();
  const bodies = turn.messages.map((message) => ({
    id: newId(),
    tenant_id: turn.tenantId,
    message: JSON.stringify(message),
  }));
  await trx.insertInto('conversation_messages').values(bodies).execute();
  await trx
    .insertInto('thread_messages')
    .values(
      bodies.map((body, position) => ({
        thread_id: turn.threadId,
        seq: (last ?? 0) + position + 1,
        tenant_id: turn.tenantId,
        message_id: body.id,
        run_id: turn.runId,
        position,
      })),
    )
    .execute();
}

/** Removes a turn's messages from its thread (a rolled-back run that ended before the rollback). */
export async function removeThreadTurn(trx: Kysely<Database>, threadId: string, runId: string): Promise<void> {
  await trx.deleteFrom('thread_messages').where('thread_id', '=', threadId).where('run_id', '=', runId).execute();
  await deleteUnreferencedMessages(trx);
}

/** Message bodies no thread refers to any more: a deleted thread's, a rolled-back turn's. */
export async function deleteUnreferencedMessages(trx: Kysely<Database>): Promise<void> {
  await sql`delete from conversation_messages c
    where not exists (select 1 from thread_messages m where m.message_id = c.id)`.execute(trx);
}

/** Which messages of a thread a page holds, oldest first. */
export interface ThreadMessagePage extends PageRequest {
  /** Newest first instead. @default false */
  readonly newestFirst?: boolean | undefined;
}

/** A page of the thread's messages (the caller has checked the thread is the tenant's). */
export async function listThreadMessages(
  db: Kysely<Database>,
  threadId: string,
  page: ThreadMessagePage,
): Promise<Page<ThreadMessage>> {
  let query = db
    .selectFrom('thread_messages as m')
    .innerJoin('conversation_messages as c', 'c.id', 'm.message_id')
    .select(['m.seq', 'm.run_id', 'm.created_at', 'c.message'])
    .where('m.thread_id', '=', threadId)
    .orderBy('m.seq', page.newestFirst ? 'desc' : 'asc')
    .limit(page.limit + 1);
  if (page.cursor) {
    query = query.where('m.seq', page.newestFirst ? '<' : '>', decodeNumberCursor(page.cursor));
  }
  return toPage(
    await query.execute(),
    page.limit,
    (row) => ({
      seq: row.seq,
      runId: row.run_id,
      message: row.message as ThreadMessage['message'],
      createdAt: row.created_at.toISOString(),
    }),
    (row) => row.seq,
  );
}

/** A message of a thread's history, with its place in the thread. */
export interface ThreadHistoryEntry {
  readonly seq: number;
  readonly message: StoredConversationMessage;
}

/**
 * The thread's conversation as a model gets it, oldest first: all of it, or its last
 * `lastMessages` messages. One indexed read.
 */
export async function readThreadHistory(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
  lastMessages?: number | undefined,
): Promise<ThreadHistoryEntry[]> {
  let query = db
    .selectFrom('thread_messages as m')
    .innerJoin('conversation_messages as c', 'c.id', 'm.message_id')
    .select(['m.seq', 'c.message'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.thread_id', '=', threadId)
    .orderBy('m.seq', 'desc');
  if (lastMessages !== undefined) query = query.limit(lastMessages);
  const rows = await query.execute();
  return rows.reverse().map((row) => ({ seq: row.seq, message: row.message as StoredConversationMessage }));
}

/** The thread's messages after `afterSeq` up to `throughSeq`, oldest first: what a summary has not covered yet. */
export async function readThreadMessagesBetween(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
  range: { readonly afterSeq: number; readonly throughSeq: number },
): Promise<StoredConversationMessage[]> {
  const rows = await db
    .selectFrom('thread_messages as m')
    .innerJoin('conversation_messages as c', 'c.id', 'm.message_id')
    .select('c.message')
    .where('m.tenant_id', '=', tenantId)
    .where('m.thread_id', '=', threadId)
    .where('m.seq', '>', range.afterSeq)
    .where('m.seq', '<=', range.throughSeq)
    .orderBy('m.seq')
    .execute();
  return rows.map((row) => row.message as StoredConversationMessage);
}

/**
 * Gives thread `to` the first `throughSeq` messages of thread `from`, by reference: the
 * message bodies are shared, not copied.
 */
export async function copyThreadMessages(
  trx: Kysely<Database>,
  from: string,
  to: string,
  throughSeq: number,
): Promise<void> {
  await sql`insert into thread_messages (thread_id, seq, tenant_id, message_id, run_id, position, created_at)
    select ${to}, seq, tenant_id, message_id, run_id, position, created_at
    from thread_messages where thread_id = ${from} and seq <= ${throughSeq}`.execute(trx);
}
