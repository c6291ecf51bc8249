import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Records the reply of a run's decision step; the first recorded reply wins and is returned,
 * so two attempts of one step (a retry beside a presumed-dead one) end with the same reply.
 */
export async function recordModelStepReply<Reply>(
  db: Kysely<Database>,
  step: { readonly runId: string; readonly step: number; readonly reply: Reply },
): Promise<Reply> {
  const inserted = await db
    .insertInto('model_step_replies')
    .values({ run_id: step.runId, step: step.step, reply: JSON.stringify(step.reply) })
    .onConflict((oc) => oc.columns(['run_id', 'step']).doNothing())
    .returning('reply')
    .executeTakeFirst();
  if (inserted) return inserted.reply as Reply;
  return (await recordedModelStepReply<Reply>(db, step.runId, step.step)) as Reply;
}

/**
 * The reply an earlier attempt of a run's decision step recorded, if one did: an attempt
 * that recorded its reply and died before Temporal saw it finish.
 */
export async function recordedModelStepReply<Reply>(
  db: Kysely<Database>,
  runId: string,
  step: number,
): Promise<Reply | undefined> {
  const row = await db
    .selectFrom('model_step_replies')
    .select('reply')
    .where('run_id', '=', runId)
    .where('step', '=', step)
    .executeTakeFirst();
  return row?.reply as Reply | undefined;
}
