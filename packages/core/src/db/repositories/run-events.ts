import { sql, type Kysely, type RawBuilder } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { RunEvent } from '../../events/run-event-catalog.ts';
import { validateNewRunEvent, type NewRunEvent } from '../../events/new-run-event.ts';
import { sqlStateOf, sqlStates } from '../pg-errors.ts';
import type { Database, RunEventRow } from '../schema.ts';

export type { NewRunEvent };

/**
 * A stored event as the API returns it. Typed on read, not validated: every event was checked
 * against the catalog when it was written.
 */
export function toRunEvent(row: RunEventRow): RunEvent {
  return {
    runId: row.run_id,
    seq: row.seq,
    type: row.type,
    step: row.step,
    data: row.data,
    createdAt: row.created_at.toISOString(),
  } as RunEvent;
}

/**
 * Appends events to runs of the tenant, each in one round trip (`append_run_event`, migration
 * 0012): the run row is locked while the next `seq` is taken, so concurrent writers produce
 * 1, 2, 3, … with no gaps, and an event whose dedupe key the run already has is skipped. An
 * event of another tenant's run is not found. Pass a transaction to make the events atomic
 * with other writes. Each event is checked against the catalog first, so an uncatalogued
 * event is never stored. Returns the events that were new.
 * @throws UncataloguedRunEventError
 */
/**
 * The call of `append_run_event` that appends one event, checked against the catalog first,
 * for a statement that writes the event together with another row in one round trip (a
 * step's recorded reply or tool call beside its event). The function locks the run row and
 * reads with fresh snapshots, as a lone append does.
 * @throws UncataloguedRunEventError
 */
export function appendRunEventCall(tenantId: string, event: NewRunEvent): RawBuilder<RunEventRow> {
  const { step, data } = validateNewRunEvent(event);
  return sql<RunEventRow>`append_run_event(${tenantId}, ${event.runId}, ${event.type}, ${step}, ${JSON.stringify(
    data,
  )}::jsonb, ${event.dedupeKey})`;
}

/** A run event a combined statement returned beside its other row: absent when its dedupe key was there. */
export function appendedRunEventOf(row: { readonly seq: number | null } & Record<string, unknown>): RunEvent[] {
  return row.seq === null ? [] : [toRunEvent(row as unknown as RunEventRow)];
}

/** Translates the error a missing run raises inside `append_run_event`. */
export function runNotFoundOf(runId: string): (error: unknown) => never {
  return (error) => {
    throw sqlStateOf(error) === sqlStates.runNotFound ? new NotFoundError('run', runId) : error;
  };
}

export async function appendRunEvents(
  db: Kysely<Database>,
  tenantId: string,
  events: readonly NewRunEvent[],
): Promise<RunEvent[]> {
  const appended: RunEvent[] = [];
  for (const event of events) {
    const { step, data } = validateNewRunEvent(event);
    const { rows } =
      await sql<RunEventRow>`select * from append_run_event(${tenantId}, ${event.runId}, ${event.type}, ${step}, ${JSON.stringify(
        data,
      )}::jsonb, ${event.dedupeKey})`
        .execute(db)
        .catch((error: unknown) => {
          throw sqlStateOf(error) === sqlStates.runNotFound ? new NotFoundError('run', event.runId) : error;
        });
    appended.push(...rows.map(toRunEvent));
  }
  return appended;
}

/** The tenant's run's events with `seq` greater than `after`, in order. */
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

/** The `seq` of the tenant's run's last event; 0 before its first. */
export async function lastRunEventSeq(db: Kysely<Database>, tenantId: string, runId: string): Promise<number> {
  const row = await db
    .selectFrom('run_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** Where a page of a thread's events starts: after this event of this run of the thread. */
export interface ThreadEventCursor {
  readonly runId: string;
  readonly seq: number;
}

/**
 * The stored events of the tenant's thread's runs, run after run in the order they were
 * created, each run's in `seq` order: the first `limit` after `after` (from the start when unset).
 */
export async function listThreadRunEvents(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
  options: { readonly after?: ThreadEventCursor | undefined; readonly limit: number },
): Promise<RunEvent[]> {
  let query = db
    .selectFrom('run_events as e')
    .innerJoin('runs as r', (join) => join.onRef('r.id', '=', 'e.run_id').onRef('r.tenant_id', '=', 'e.tenant_id'))
    .selectAll('e')
    .where('r.tenant_id', '=', tenantId)
    .where('r.thread_id', '=', threadId)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .orderBy('e.seq')
    .limit(options.limit);
  const { after } = options;
  if (after) {
    query = query.where(
      sql<boolean>`(r.created_at, r.id, e.seq) > (
        (select created_at from runs where tenant_id = ${tenantId} and id = ${after.runId}), ${after.runId}, ${after.seq})`,
    );
  }
  return (await query.execute()).map(toRunEvent);
}

/**
 * The highest step of the tenant's run whose `model.completed` has a `seq` of at most `upTo`
 * (0 when none): a stream resuming after `upTo` knows that every step up to it is done.
 */
export async function lastCompletedModelStep(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  options: { upTo: number },
): Promise<number> {
  const row = await db
    .selectFrom('run_events')
    .select((eb) => eb.fn.max('step').as('step'))
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .where('seq', '<=', options.upTo)
    .where('type', '=', 'model.completed')
    .executeTakeFirst();
  return row?.step ?? 0;
}

/**
 * The `approval.decided` event of one approval of the tenant's run, if it was decided: how
 * the run answered a call it did not run (rejected or expired), which a replay repeats.
 */
export async function findApprovalDecision(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  approval: { readonly step: number; readonly approvalId: string },
): Promise<Extract<RunEvent, { type: 'approval.decided' }> | undefined> {
  const rows = await db
    .selectFrom('run_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .where('step', '=', approval.step)
    .where('type', '=', 'approval.decided')
    .execute();
  return rows
    .map(toRunEvent)
    .find(
      (event): event is Extract<RunEvent, { type: 'approval.decided' }> =>
        event.type === 'approval.decided' && event.data.approvalId === approval.approvalId,
    );
}
