import { sql, type Kysely } from 'kysely';
import type { RunStatus } from '../../domain/run-status.ts';
import type { Waitpoint } from '../../domain/waitpoint.ts';
import type { NewRunEvent } from '../../events/new-run-event.ts';
import { NotFoundError } from '../../errors.ts';
import { isUuid } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { Database, WaitpointRow } from '../schema.ts';
import { appendRunEvents } from './run-events.ts';
import { runChangeOf, type RunChange } from './runs.ts';

/** A callback tool's call waiting for its POST, as the run service creates it. */
export interface NewWaitpoint {
  readonly id: string;
  readonly tenantId: string;
  readonly runId: string;
  readonly step: number;
  readonly callId: string;
  readonly tool: string;
  readonly expiresAt: Date;
}

const terminalStatuses = ['succeeded', 'failed', 'cancelled', 'timed_out'] as const;

/** The waitpoint as the API shows it. */
export function toWaitpoint(row: WaitpointRow): Waitpoint {
  return {
    id: row.id,
    runId: row.run_id,
    step: row.step,
    callId: row.call_id,
    tool: row.tool,
    status: row.status,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at).toISOString(),
  };
}

/**
 * Creates the waitpoint of a tool call of the tenant's run (another tenant's run is not
 * found) and moves the run to `waiting` (from `running`), with the event `eventOf` makes of
 * it, atomically. A call that has its waitpoint keeps it (activity retries): the same row,
 * no second event. Called only by the run service (`RunService.requestCallback`).
 */
export async function addWaitpoint(
  db: Kysely<Database>,
  waitpoint: NewWaitpoint,
  eventOf: (row: WaitpointRow) => NewRunEvent,
): Promise<{ readonly change: RunChange; readonly waitpoint: WaitpointRow }> {
  const { tenantId, runId } = waitpoint;
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .updateTable('runs')
      .set({ status: sql<RunStatus>`case when status = 'running' then 'waiting' else status end` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirst();
    if (!run) throw new NotFoundError('run', runId);
    await trx
      .insertInto('waitpoints')
      .values({
        id: waitpoint.id,
        tenant_id: tenantId,
        run_id: runId,
        step: waitpoint.step,
        call_id: waitpoint.callId,
        tool: waitpoint.tool,
        status: 'pending',
        expires_at: waitpoint.expiresAt,
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'run_id', 'step', 'call_id']).doNothing())
      .execute();
    const row = await trx
      .selectFrom('waitpoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('run_id', '=', runId)
      .where('step', '=', waitpoint.step)
      .where('call_id', '=', waitpoint.callId)
      .executeTakeFirstOrThrow();
    return { change: runChangeOf(run, await appendRunEvents(trx, tenantId, [eventOf(row)])), waitpoint: row };
  });
}

/** What a POST to a callback URL did: completed its waitpoint, or why it could not. */
export type WaitpointClaim =
  | { readonly claimed: true; readonly waitpoint: WaitpointRow }
  | { readonly claimed: false; readonly reason: 'not_found' | 'used' | 'expired' };

/**
 * Completes a pending waitpoint with the posted JSON (`pending → completed`) in one
 * conditional update: only while it has not expired and its run has not ended, so of two
 * POSTs racing, one completes it and the other finds it used. A refused claim changes
 * nothing and says why.
 */
export async function claimWaitpoint(db: Kysely<Database>, id: string, payload: unknown): Promise<WaitpointClaim> {
  if (!isUuid(id)) return { claimed: false, reason: 'not_found' };
  const claimed = await db
    .updateTable('waitpoints')
    .set({ status: 'completed', payload: JSON.stringify(payload ?? null), resolved_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', sql<Date>`now()`)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('runs')
          .select('runs.id')
          .whereRef('runs.id', '=', 'waitpoints.run_id')
          .where('runs.status', 'not in', terminalStatuses),
      ),
    )
    .returningAll()
    .executeTakeFirst();
  if (claimed) return { claimed: true, waitpoint: claimed };
  const row = await db.selectFrom('waitpoints').select('status').where('id', '=', id).executeTakeFirst();
  if (!row) return { claimed: false, reason: 'not_found' };
  return { claimed: false, reason: row.status === 'completed' ? 'used' : 'expired' };
}

/**
 * Settles the tenant's waitpoint for its run's workflow, after the POST's signal or the
 * deadline: a waitpoint still pending expires (the conditional update decides a race with a
 * POST: whichever commits first wins). The run goes back to `running` (from `waiting`, with
 * no approval pending), with the event `eventOf` makes of the settled row, atomically;
 * repeating it changes nothing. Called only by the run service (`RunService.resolveCallback`).
 */
export async function settleWaitpoint(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  id: string,
  eventOf: (row: WaitpointRow) => NewRunEvent,
): Promise<{ readonly change: RunChange; readonly waitpoint: WaitpointRow }> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('waitpoints')
      .set({ status: 'expired', resolved_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    const row = await trx
      .selectFrom('waitpoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('run_id', '=', runId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('waitpoint', id);
    const run = await trx
      .updateTable('runs')
      .set({
        status: sql<RunStatus>`case when status = 'waiting' and jsonb_array_length(pending_approvals) = 0
          then 'running' else status end`,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { change: runChangeOf(run, await appendRunEvents(trx, tenantId, [eventOf(row)])), waitpoint: row };
  });
}

/** The tenant's waitpoint of a run's tool call, if the call has one. */
export async function findCallWaitpoint(
  db: Kysely<Database>,
  call: { readonly tenantId: string; readonly runId: string; readonly step: number; readonly callId: string },
): Promise<WaitpointRow | undefined> {
  return db
    .selectFrom('waitpoints')
    .selectAll()
    .where('tenant_id', '=', call.tenantId)
    .where('run_id', '=', call.runId)
    .where('step', '=', call.step)
    .where('call_id', '=', call.callId)
    .executeTakeFirst();
}

/**
 * A waitpoint by id alone, whatever its tenant: only for the holder of its signed token
 * (`GET /v1/callbacks/{token}`), which proves the id was handed out for it.
 */
export async function findWaitpointOfToken(db: Kysely<Database>, id: string): Promise<WaitpointRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('waitpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The waitpoints of the tenant's run, oldest first, a page at a time. */
export async function listRunWaitpoints(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  page: PageRequest,
): Promise<Page<Waitpoint>> {
  let query = db
    .selectFrom('waitpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.cursor) query = query.where('id', '>', decodeCursor(page.cursor));
  return toPage(await query.execute(), page.limit, toWaitpoint);
}
