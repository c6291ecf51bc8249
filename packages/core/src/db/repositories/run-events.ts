import { sql, type Kysely } from 'kysely';
import type { RunEvent } from '../../domain/resources.ts';
import { NotFoundError } from '../../errors.ts';
import { sqlStateOf, sqlStates } from '../pg-errors.ts';
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
 * Appends events, each in one round trip (`append_run_event`, migration 0002): the run row
 * is locked while the next `seq` is taken, so concurrent writers produce 1, 2, 3, … with no
 * gaps, and an event whose dedupe key the run already has is skipped. Pass a transaction to
 * make the events atomic with other writes. Returns the events that were new.
 */
export async function appendRunEvents(db: Kysely<Database>, events: readonly NewRunEvent[]): Promise<RunEvent[]> {
  const appended: RunEvent[] = [];
  for (const event of events) {
    const { rows } = await sql<RunEventRow>`select * from append_run_event(${event.runId}, ${event.type}, ${
      event.step ?? null
    }, ${JSON.stringify(event.data ?? {})}::jsonb, ${event.dedupeKey})`
      .execute(db)
      .catch((error: unknown) => {
        throw sqlStateOf(error) === sqlStates.runNotFound ? new NotFoundError('run', event.runId) : error;
      });
    appended.push(...rows.map(toRunEvent));
  }
  return appended;
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
