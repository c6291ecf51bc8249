import type { Kysely, Transaction } from 'kysely';
import type { RunEvent } from '../../domain/resources.ts';
import { NotFoundError } from '../../errors.ts';
import type { Database, RunEventRow } from '../schema.ts';

/** An event to append to a run's log. */
export interface NewRunEvent {
  readonly runId: string;
  readonly type: string;
  readonly step?: number | null;
  readonly data?: unknown;
  /**
   * Identifies the event across retries: appending a key the run already has is a no-op,
   * so an activity that is retried after a crash never writes an event twice.
   */
  readonly dedupeKey: string;
}

export function toRunEvent(row: RunEventRow): RunEvent {
  return {
    runId: row.run_id,
    seq: row.seq,
    type: row.type,
    step: row.step,
    data: row.data as RunEvent['data'],
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Appends events inside the caller's transaction. The run row is locked while the next
 * `seq` is taken, so concurrent writers produce 1, 2, 3, … with no gaps and no duplicates.
 * Returns the events that were new.
 */
export async function appendRunEvents(trx: Transaction<Database>, events: readonly NewRunEvent[]): Promise<RunEvent[]> {
  const first = events[0];
  if (!first) return [];
  const run = await trx
    .selectFrom('runs')
    .select(['tenant_id', 'last_event_seq'])
    .where('id', '=', first.runId)
    .forUpdate()
    .executeTakeFirst();
  if (!run) throw new NotFoundError('run', first.runId);
  const existing = new Set(
    (
      await trx
        .selectFrom('run_events')
        .select('dedupe_key')
        .where('run_id', '=', first.runId)
        .where(
          'dedupe_key',
          'in',
          events.map((event) => event.dedupeKey),
        )
        .execute()
    ).map((row) => row.dedupe_key),
  );
  const fresh = events.filter((event) => !existing.has(event.dedupeKey));
  if (fresh.length === 0) return [];
  const rows = await trx
    .insertInto('run_events')
    .values(
      fresh.map((event, index) => ({
        run_id: event.runId,
        seq: run.last_event_seq + index + 1,
        tenant_id: run.tenant_id,
        type: event.type,
        step: event.step ?? null,
        data: JSON.stringify(event.data ?? {}),
        dedupe_key: event.dedupeKey,
      })),
    )
    .returningAll()
    .execute();
  await trx
    .updateTable('runs')
    .set({ last_event_seq: run.last_event_seq + fresh.length })
    .where('id', '=', first.runId)
    .execute();
  return rows.map(toRunEvent);
}

/** Appends events in a transaction of their own. */
export async function appendRunEventsNow(db: Kysely<Database>, events: readonly NewRunEvent[]): Promise<RunEvent[]> {
  return db.transaction().execute((trx) => appendRunEvents(trx, events));
}

/** A run's events with `seq` greater than `after`, in order. */
export async function listRunEvents(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  options: { after: number; limit: number },
): Promise<RunEvent[]> {
  const rows = await db
    .selectFrom('run_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .where('seq', '>', options.after)
    .orderBy('seq', 'asc')
    .limit(options.limit)
    .execute();
  return rows.map(toRunEvent);
}
