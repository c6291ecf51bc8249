import { sql, type Kysely } from 'kysely';
import type { Database, RunCache, RunEventBus } from '@agent-runtime/core';
import { followRunEvents, type RunStreamItem } from './follow-run-events.ts';
import type { SharedRunEventReads } from './shared-event-reads.ts';
import type { RunStreamPosition } from './stream-position.ts';

/** Where a client is in a thread's stream: in one of its runs, at a position of that run's stream. */
export interface ThreadStreamPosition {
  readonly runId: string;
  readonly position: RunStreamPosition;
}

/** An item of a thread's stream: an item of one of its runs' streams, with the run it belongs to. */
export interface ThreadStreamItem {
  readonly runId: string;
  readonly item: RunStreamItem;
}

/** What {@link followThreadEvents} follows, and for how long. */
export interface FollowThreadEventsOptions {
  readonly db: Kysely<Database>;
  readonly runCache: RunCache;
  readonly bus: RunEventBus;
  readonly tenantId: string;
  readonly threadId: string;
  /** Where the client is (its `Last-Event-ID`); unset: from the thread's oldest unfinished run. */
  readonly after: ThreadStreamPosition | undefined;
  readonly catchUpMs: number;
  /** Where the runs' stored events are read, shared with other streams. @default reads of this stream's own */
  readonly reads?: SharedRunEventReads;
  /** How often the thread is read for its next run while none is in progress. @default 250 */
  readonly pollMs?: number;
  readonly signal: AbortSignal;
}

type RunRow = { readonly id: string; readonly created_at: Date };

/** Before every run: a thread's stream that starts here sends all of its runs. */
const beforeAll: RunRow = { id: '00000000-0000-0000-0000-000000000000', created_at: new Date(0) };

function threadRuns(db: Kysely<Database>, tenantId: string, threadId: string) {
  return db
    .selectFrom('runs')
    .select(['id', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('thread_id', '=', threadId)
    .limit(1);
}

/**
 * The thread's first run created after `after`. Compared with the stored `created_at`, not
 * the one read (JavaScript dates drop PostgreSQL's microseconds: the run itself would follow).
 */
async function nextRunOf(db: Kysely<Database>, tenantId: string, threadId: string, after: RunRow) {
  let query = threadRuns(db, tenantId, threadId).orderBy('created_at').orderBy('id');
  if (after !== beforeAll) {
    query = query.where(
      sql<boolean>`(created_at, id) > ((select created_at from runs where id = ${after.id}), ${after.id})`,
    );
  }
  return query.executeTakeFirst();
}

/**
 * Where a stream without a position starts: just before the thread's oldest unfinished run,
 * else just after its newest run (the next one it gets), else before everything.
 */
async function startOf(db: Kysely<Database>, tenantId: string, threadId: string): Promise<RunRow> {
  const unfinished = await threadRuns(db, tenantId, threadId)
    .where('status', 'in', ['queued', 'running', 'waiting'])
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  if (unfinished) {
    const before = await threadRuns(db, tenantId, threadId)
      .where(
        sql<boolean>`(created_at, id) < ((select created_at from runs where id = ${unfinished.id}), ${unfinished.id})`,
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return before ?? beforeAll;
  }
  const newest = await threadRuns(db, tenantId, threadId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return newest ?? beforeAll;
}

async function threadExists(db: Kysely<Database>, tenantId: string, threadId: string): Promise<boolean> {
  const row = await db
    .selectFrom('threads')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', threadId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A thread's stream: the streams of its runs one after another, in the order they were
 * created (the order they run in), each as {@link followRunEvents} gives it, so every event
 * comes once and the deltas of each step join into its stored text, across reconnections.
 * From a client's position it goes on in that run; without one, it starts at the thread's
 * oldest unfinished run, or waits for the next run. Between runs it reads the thread for its
 * next run every `pollMs`; it ends when `signal` aborts or the thread is deleted.
 */
export async function* followThreadEvents(
  options: FollowThreadEventsOptions,
): AsyncGenerator<ThreadStreamItem, void, undefined> {
  const { db, tenantId, threadId, signal } = options;
  const pollMs = options.pollMs ?? 250;
  let current: { run: RunRow; after: RunStreamPosition } | undefined;
  if (options.after) {
    const run = await db
      .selectFrom('runs')
      .select(['id', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('thread_id', '=', threadId)
      .where('id', '=', options.after.runId)
      .executeTakeFirst();
    // A run of another thread (or none) says nothing about this one: start afresh.
    if (run) current = { run, after: options.after.position };
  }
  let last: RunRow = current?.run ?? (await startOf(db, tenantId, threadId));
  while (!signal.aborted) {
    if (!current) {
      const next = await nextRunOf(db, tenantId, threadId, last);
      if (next) current = { run: next, after: { seq: 0 } };
    }
    if (current) {
      const { run, after } = current;
      for await (const item of followRunEvents({ ...options, runId: run.id, after })) yield { runId: run.id, item };
      last = run;
      current = undefined;
      continue;
    }
    if (!(await threadExists(db, tenantId, threadId))) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
