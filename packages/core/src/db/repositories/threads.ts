import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Thread, ThreadOrigin, ThreadStatus } from '../../domain/thread.ts';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { Database, ThreadRow } from '../schema.ts';

/**
 * The thread's status, computed from its runs in the same query (so it is never out of step
 * with them, whatever crashed): waiting > busy > error (its newest run failed or timed out) > idle.
 * `t` is the alias of the threads table in the query.
 */
const threadStatusSql = sql<ThreadStatus>`case
  when exists (select 1 from runs r where r.thread_id = t.id and r.status = 'waiting') then 'waiting'
  when exists (select 1 from runs r where r.thread_id = t.id and r.status in ('queued', 'running')) then 'busy'
  when (select r.status from runs r where r.thread_id = t.id order by r.created_at desc, r.id desc limit 1)
    in ('failed', 'timed_out') then 'error'
  else 'idle' end`;

const messageCountSql = sql<number>`(select count(*)::int from thread_messages m where m.thread_id = t.id)`;

type ThreadQueryRow = ThreadRow & { readonly status: ThreadStatus; readonly message_count: number };

function toThread(row: ThreadQueryRow): Thread {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    metadata: row.metadata,
    status: row.status,
    messageCount: Number(row.message_count),
    forkedFrom: (row.forked_from ?? null) as ThreadOrigin | null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function selectThreads(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('threads as t')
    .selectAll('t')
    .select([threadStatusSql.as('status'), messageCountSql.as('message_count')])
    .where('t.tenant_id', '=', tenantId);
}

/** What a new thread starts with. */
export interface NewThread {
  readonly tenantId: string;
  readonly metadata?: Record<string, string> | undefined;
  /** For a fork: where it came from, and the adapter state of the turn it was forked after. */
  readonly forkedFrom?: ThreadOrigin | undefined;
  readonly agentState?: unknown;
}

/** Writes a new, empty thread. */
export async function createThread(db: Kysely<Database>, thread: NewThread): Promise<Thread> {
  const { id } = await db
    .insertInto('threads')
    .values({
      id: newId(),
      tenant_id: thread.tenantId,
      metadata: JSON.stringify(thread.metadata ?? {}),
      forked_from: thread.forkedFrom === undefined ? null : JSON.stringify(thread.forkedFrom),
      agent_state: thread.agentState === undefined ? null : JSON.stringify(thread.agentState),
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return getThread(db, thread.tenantId, id);
}

/** The tenant's thread with this id, or a not-found error (another tenant's thread too). */
export async function getThread(db: Kysely<Database>, tenantId: string, threadId: string): Promise<Thread> {
  const row = await selectThreads(db, tenantId).where('t.id', '=', threadId).executeTakeFirst();
  if (!row) throw new NotFoundError('thread', threadId);
  return toThread(row as ThreadQueryRow);
}

/** Which threads a list answers. */
export interface ThreadFilter extends PageRequest {
  /** Threads whose metadata has every one of these pairs. */
  readonly metadata?: Record<string, string> | undefined;
  readonly status?: ThreadStatus | undefined;
}

/** The tenant's threads, newest first, by metadata and status. */
export async function listThreads(db: Kysely<Database>, tenantId: string, filter: ThreadFilter): Promise<Page<Thread>> {
  let query = selectThreads(db, tenantId)
    .orderBy('t.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.cursor) query = query.where('t.id', '<', decodeCursor(filter.cursor));
  if (filter.metadata && Object.keys(filter.metadata).length > 0) {
    query = query.where(sql<SqlBool>`t.metadata @> ${JSON.stringify(filter.metadata)}::jsonb`);
  }
  if (filter.status) query = query.where(sql<SqlBool>`(${threadStatusSql}) = ${filter.status}`);
  const rows = (await query.execute()) as ThreadQueryRow[];
  return toPage(rows, filter.limit, toThread);
}

/**
 * Merges `changes` into the thread's metadata (JSON merge patch: a null value removes its
 * key) and answers the thread.
 */
export async function updateThreadMetadata(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
  changes: Readonly<Record<string, string | null>>,
): Promise<Thread> {
  const removed = Object.keys(changes).filter((key) => changes[key] === null);
  const added = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== null));
  const updated = await db
    .updateTable('threads')
    .set({
      metadata: sql`(metadata - ${sql.val(removed)}::text[]) || ${JSON.stringify(added)}::jsonb`,
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', threadId)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw new NotFoundError('thread', threadId);
  return getThread(db, tenantId, threadId);
}

/**
 * Locks the tenant's thread row until the transaction ends, so that runs are added to one
 * thread one at a time on every API instance; a not-found error when there is no such thread.
 */
export async function lockThread(trx: Kysely<Database>, tenantId: string, threadId: string): Promise<ThreadRow> {
  const row = await trx
    .selectFrom('threads')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', threadId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('thread', threadId);
  return row;
}

/** The thread's runs that have not ended, oldest first. */
export async function listUnfinishedThreadRuns(
  db: Kysely<Database>,
  threadId: string,
): Promise<{ id: string; status: string; startedAt: Date | null }[]> {
  const rows = await db
    .selectFrom('runs')
    .select(['id', 'status', 'started_at'])
    .where('thread_id', '=', threadId)
    .where('status', 'in', ['queued', 'running', 'waiting'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, status: row.status, startedAt: row.started_at }));
}

/**
 * What the thread's next turn starts from: the adapter state its newest kept turn ended with,
 * else the state a fork was given; undefined for none.
 */
export async function readCarriedAgentState(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
): Promise<unknown> {
  const turn = await db
    .selectFrom('runs')
    .select('turn_state')
    .where('tenant_id', '=', tenantId)
    .where('thread_id', '=', threadId)
    .where('turn_state', 'is not', null)
    .where('thread_discarded_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (turn) return turn.turn_state;
  const thread = await db
    .selectFrom('threads')
    .select('agent_state')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', threadId)
    .executeTakeFirst();
  return thread?.agent_state ?? undefined;
}

/** A model's summary of a thread's messages up to `throughSeq`. */
export interface ThreadSummary {
  readonly throughSeq: number;
  readonly text: string;
}

/** The thread's summary, if one was made. */
export async function readThreadSummary(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
): Promise<ThreadSummary | undefined> {
  const row = await db
    .selectFrom('threads')
    .select('summary')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', threadId)
    .executeTakeFirst();
  return (row?.summary ?? undefined) as ThreadSummary | undefined;
}

/**
 * Keeps `summary` as the thread's unless the thread already has one that reaches as far
 * (two attempts of a step racing keep the first): answers the summary the thread keeps.
 */
export async function recordThreadSummary(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
  summary: ThreadSummary,
): Promise<ThreadSummary> {
  await db
    .updateTable('threads')
    .set({ summary: JSON.stringify(summary) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', threadId)
    .where(sql<boolean>`coalesce((summary ->> 'throughSeq')::int, 0) < ${summary.throughSeq}`)
    .execute();
  return (await readThreadSummary(db, tenantId, threadId)) ?? summary;
}
