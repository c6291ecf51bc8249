import { sql, type Kysely } from 'kysely';
import type { RunEvent } from '../../events/run-event-catalog.ts';
import type { Database, RunEventRow } from '../schema.ts';
import {
  appendedRunEventOf,
  appendRunEventCall,
  appendRunEvents,
  runNotFoundOf,
  type NewRunEvent,
} from './run-events.ts';

/** One decision step of a tenant's run. */
export interface ModelStepKey {
  readonly tenantId: string;
  readonly runId: string;
  readonly step: number;
}

/**
 * Records the reply of a run's decision step; the first recorded reply wins and is returned,
 * so two attempts of one step (a retry beside a presumed-dead one) end with the same reply.
 */
export async function recordModelStepReply<Reply>(
  db: Kysely<Database>,
  step: ModelStepKey & { readonly reply: Reply },
): Promise<Reply> {
  const inserted = await db
    .insertInto('model_step_replies')
    .values({ tenant_id: step.tenantId, run_id: step.runId, step: step.step, reply: JSON.stringify(step.reply) })
    .onConflict((oc) => oc.columns(['run_id', 'step']).doNothing())
    .returning('reply')
    .executeTakeFirst();
  if (inserted) return inserted.reply as Reply;
  return (await recordedModelStepReply<Reply>(db, step)) as Reply;
}

/**
 * {@link recordModelStepReply} with the event that reports the recorded reply
 * (`model.completed`), in one statement when this reply is the first: the run row is locked,
 * the reply inserted and the event appended, atomically, in one round trip. When an earlier
 * attempt recorded a reply first, that reply stands and its event is appended (a no-op if
 * that attempt appended it). Returns the recorded reply and the event if it was new.
 */
export async function recordModelStepReplyWithEvent<Reply>(
  db: Kysely<Database>,
  step: ModelStepKey & { readonly reply: Reply },
  eventOf: (reply: Reply) => NewRunEvent,
): Promise<{ readonly reply: Reply; readonly events: RunEvent[] }> {
  const { tenantId, runId } = step;
  const { rows } = await sql<RunEventRow & { recorded_reply: unknown }>`
    with locked as (
      select id from runs where id = ${runId} and tenant_id = ${tenantId} for update
    ), recorded as (
      insert into model_step_replies (tenant_id, run_id, step, reply)
      select ${tenantId}, locked.id, ${step.step}, ${JSON.stringify(step.reply)}::jsonb from locked
      on conflict (run_id, step) do nothing
      returning reply
    )
    select recorded.reply as recorded_reply, appended.*
      from recorded left join lateral ${appendRunEventCall(tenantId, eventOf(step.reply))} as appended on true`
    .execute(db)
    .catch(runNotFoundOf(runId));
  const [row] = rows;
  if (row) return { reply: row.recorded_reply as Reply, events: appendedRunEventOf(row) };
  // Another attempt recorded its reply first (or the run is missing: the append says so).
  const reply = (await recordedModelStepReply<Reply>(db, step)) ?? step.reply;
  return { reply, events: await appendRunEvents(db, tenantId, [eventOf(reply)]) };
}

/**
 * The reply an earlier attempt of a run's decision step recorded, if one did: an attempt
 * that recorded its reply and died before Temporal saw it finish.
 */
export async function recordedModelStepReply<Reply>(
  db: Kysely<Database>,
  step: ModelStepKey,
): Promise<Reply | undefined> {
  const row = await db
    .selectFrom('model_step_replies')
    .select('reply')
    .where('tenant_id', '=', step.tenantId)
    .where('run_id', '=', step.runId)
    .where('step', '=', step.step)
    .executeTakeFirst();
  return row?.reply as Reply | undefined;
}

/**
 * The steps of the tenant's run whose decision-step reply is recorded, in order: the steps a
 * replay of the run can answer from its records.
 */
export async function recordedModelSteps(db: Kysely<Database>, tenantId: string, runId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('model_step_replies')
    .select('step')
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .orderBy('step')
    .execute();
  return rows.map((row) => row.step);
}
