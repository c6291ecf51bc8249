import { sql, type Kysely } from 'kysely';
import type { PendingApproval } from '../../domain/resources.ts';
import type { RunStatus } from '../../domain/run-status.ts';
import { NotFoundError } from '../../errors.ts';
import type { Database } from '../schema.ts';
import { appendRunEvents, type NewRunEvent } from './run-events.ts';
import { runChangeOf, type RunChange } from './runs.ts';

/**
 * Puts an approval on the tenant's run (another tenant's run is not found) and moves it to
 * `waiting` (from `running`), with its event, atomically. Adding an approval the run already has changes nothing (activity retries).
 * Answers the run and the appended event (none on a repeat). Called only by the run service
 * (`RunService.requestApproval`).
 */
export async function addPendingApproval(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  approval: PendingApproval,
  event: NewRunEvent,
): Promise<RunChange> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('runs')
      .set({
        pending_approvals: sql<string>`case when pending_approvals @> ${JSON.stringify([{ id: approval.id }])}::jsonb
          then pending_approvals else pending_approvals || ${JSON.stringify([approval])}::jsonb end`,
        status: sql<RunStatus>`case when status = 'running' then 'waiting' else status end`,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError('run', runId);
    return runChangeOf(row, await appendRunEvents(trx, tenantId, [event]));
  });
}

/**
 * Takes a decided (or expired) approval off the tenant's run (another tenant's run is not
 * found); when none is left the run goes back
 * to `running`. Atomic with its event; repeating it changes nothing. Called only by the run
 * service (`RunService.resolveApproval`).
 */
export async function resolvePendingApproval(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  approvalId: string,
  event: NewRunEvent,
): Promise<RunChange> {
  return db.transaction().execute(async (trx) => {
    const remaining = sql<string>`coalesce((select jsonb_agg(a) from jsonb_array_elements(pending_approvals) a
      where a->>'id' <> ${approvalId}), '[]'::jsonb)`;
    const row = await trx
      .updateTable('runs')
      .set({
        pending_approvals: remaining,
        status: sql<RunStatus>`case when status = 'waiting' and jsonb_array_length(${remaining}) = 0 then 'running' else status end`,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError('run', runId);
    return runChangeOf(row, await appendRunEvents(trx, tenantId, [event]));
  });
}
