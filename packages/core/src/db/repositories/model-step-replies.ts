import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

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
