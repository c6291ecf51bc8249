import type { Kysely, Selectable } from 'kysely';
import type {
  NewSchedule,
  Schedule,
  ScheduleChange,
  ScheduleOverlapPolicy,
  SchedulePauseReason,
  ScheduleSpec,
} from '../../domain/schedule.ts';
import type { MultitaskStrategy } from '../../domain/thread.ts';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { Database, SchedulesTable } from '../schema.ts';

type ScheduleRow = Selectable<SchedulesTable>;

function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    version: row.version,
    input: row.input as Schedule['input'],
    metadata: row.metadata,
    threadId: row.thread_id,
    multitaskStrategy: (row.multitask_strategy ?? 'enqueue') as MultitaskStrategy,
    spec: row.spec as ScheduleSpec,
    overlap: row.overlap as ScheduleOverlapPolicy,
    catchupWindowSeconds: row.catchup_window_seconds,
    paused: row.paused,
    note: row.note,
    pausedReason: row.paused_reason as SchedulePauseReason | null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Writes a new schedule of the tenant (its Temporal schedule is the caller's to create). */
export async function insertSchedule(db: Kysely<Database>, tenantId: string, schedule: NewSchedule): Promise<Schedule> {
  const row = await db
    .insertInto('schedules')
    .values({
      id: newId(),
      tenant_id: tenantId,
      agent_id: schedule.agentId,
      version: schedule.version,
      input: JSON.stringify(schedule.input),
      metadata: JSON.stringify(schedule.metadata),
      thread_id: schedule.threadId,
      multitask_strategy: schedule.multitaskStrategy,
      spec: JSON.stringify(schedule.spec),
      overlap: schedule.overlap,
      catchup_window_seconds: schedule.catchupWindowSeconds,
      paused: schedule.paused,
      note: schedule.note ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSchedule(row);
}

/** The tenant's schedule with this id, or a not-found error (another tenant's too). */
export async function getSchedule(db: Kysely<Database>, tenantId: string, scheduleId: string): Promise<Schedule> {
  const row = await db
    .selectFrom('schedules')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', scheduleId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('schedule', scheduleId);
  return toSchedule(row);
}

/** The tenant's schedules, newest first. */
export async function listSchedules(
  db: Kysely<Database>,
  tenantId: string,
  page: PageRequest & { readonly agentId?: string | undefined },
): Promise<Page<Schedule>> {
  let query = db.selectFrom('schedules').selectAll().where('tenant_id', '=', tenantId);
  if (page.agentId !== undefined) query = query.where('agent_id', '=', page.agentId);
  if (page.cursor !== undefined) query = query.where('id', '<', decodeCursor(page.cursor));
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, toSchedule);
}

/** Every schedule of every tenant after `afterId`, oldest first: for reconciling with Temporal. */
export async function listAllSchedules(db: Kysely<Database>, afterId: string | undefined, limit: number) {
  let query = db.selectFrom('schedules').selectAll();
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  const rows = await query.orderBy('id', 'asc').limit(limit).execute();
  return rows.map(toSchedule);
}

/** Replaces the fields the change names; answers the schedule as it is now. */
export async function updateSchedule(
  db: Kysely<Database>,
  tenantId: string,
  scheduleId: string,
  change: ScheduleChange,
): Promise<Schedule> {
  const row = await db
    .updateTable('schedules')
    .set({
      ...(change.version === undefined ? {} : { version: change.version }),
      ...(change.input === undefined ? {} : { input: JSON.stringify(change.input) }),
      ...(change.metadata === undefined ? {} : { metadata: JSON.stringify(change.metadata) }),
      ...(change.threadId === undefined ? {} : { thread_id: change.threadId }),
      ...(change.multitaskStrategy === undefined ? {} : { multitask_strategy: change.multitaskStrategy }),
      ...(change.spec === undefined ? {} : { spec: JSON.stringify(change.spec) }),
      ...(change.overlap === undefined ? {} : { overlap: change.overlap }),
      ...(change.catchupWindowSeconds === undefined ? {} : { catchup_window_seconds: change.catchupWindowSeconds }),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', scheduleId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('schedule', scheduleId);
  return toSchedule(row);
}

/** Pauses or unpauses the schedule with a note (and, for a pause of its own, the reason). */
export async function setSchedulePaused(
  db: Kysely<Database>,
  tenantId: string,
  scheduleId: string,
  state: { readonly paused: boolean; readonly note: string | null; readonly reason?: SchedulePauseReason },
): Promise<Schedule> {
  const row = await db
    .updateTable('schedules')
    .set({ paused: state.paused, note: state.note, paused_reason: state.reason ?? null, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', scheduleId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('schedule', scheduleId);
  return toSchedule(row);
}

/** Deletes the schedule row; not found when it is not the tenant's. */
export async function deleteScheduleRow(db: Kysely<Database>, tenantId: string, scheduleId: string): Promise<void> {
  const result = await db
    .deleteFrom('schedules')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', scheduleId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('schedule', scheduleId);
}

/** The schedule with this id in any tenant, or undefined: what a fire reads. */
export async function findScheduleById(db: Kysely<Database>, scheduleId: string): Promise<Schedule | undefined> {
  const row = await db.selectFrom('schedules').selectAll().where('id', '=', scheduleId).executeTakeFirst();
  return row ? toSchedule(row) : undefined;
}
