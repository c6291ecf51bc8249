import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Page, PageRequest } from '../db/pagination.ts';
import { getAgentVersion } from '../db/repositories/agent-versions.ts';
import { getAgent } from '../db/repositories/agents.ts';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import {
  deleteScheduleRow,
  getSchedule,
  insertSchedule,
  listAllSchedules,
  listSchedules,
  setSchedulePaused,
  updateSchedule,
} from '../db/repositories/schedules.ts';
import { getThread } from '../db/repositories/threads.ts';
import type { Database } from '../db/schema.ts';
import type { NewSchedule, Schedule, ScheduleChange, SchedulePauseReason } from '../domain/schedule.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RunActor } from '../runs/run-service-resources.ts';
import {
  deleteTemporalSchedule,
  ensureTemporalSchedule,
  nextFireTimes,
  setTemporalSchedulePaused,
  updateTemporalSchedule,
} from './temporal-schedule.ts';

/** What the schedule service works over, built once per process. */
export interface ScheduleServiceResources {
  readonly db: Kysely<Database>;
  readonly temporal: Client;
  /** Task queue the schedules' `scheduledRun` workflows start on (`TEMPORAL_TASK_QUEUE`). */
  readonly taskQueue: string;
  readonly logger: Logger;
}

/** A schedule of a tenant, named by a caller. */
export interface TenantScheduleRef {
  readonly tenantId: string;
  readonly scheduleId: string;
}

/**
 * Schedules (docs/schedules.md): PostgreSQL is the system of record, a Temporal schedule of
 * the same id fires it. Every change writes the row (audited) first, then brings the Temporal
 * schedule in step; a Temporal schedule found missing (Temporal unreachable at the change,
 * or its data lost) is created again from the row on the next read and at each API start.
 */
export interface ScheduleService {
  /** Creates a schedule; 404 for an unknown agent, version or thread, 409 `agent_archived`. */
  create(schedule: NewSchedule, by: RunActor): Promise<Schedule>;
  /** The schedule with its next `count` fire times from Temporal (restoring a missing Temporal schedule). */
  get(ref: TenantScheduleRef, count: number): Promise<Schedule>;
  /** The tenant's schedules, newest first, without fire times. */
  list(tenantId: string, page: PageRequest & { readonly agentId?: string | undefined }): Promise<Page<Schedule>>;
  /** Replaces the fields the change names. */
  update(ref: TenantScheduleRef, change: ScheduleChange, by: RunActor): Promise<Schedule>;
  /** Pauses (`paused: true`) or unpauses the schedule, with a note. */
  setPaused(ref: TenantScheduleRef, paused: boolean, note: string | null, by: RunActor): Promise<Schedule>;
  /** Fires the schedule now, whatever its timetable, overlap policy or pause: one more run. */
  trigger(ref: TenantScheduleRef, by: RunActor): Promise<void>;
  /** Deletes the schedule and its Temporal schedule; runs it made stay. */
  delete(ref: TenantScheduleRef, by: RunActor): Promise<void>;
  /** Pauses a schedule by itself, with the reason (its agent is archived or deleted). */
  pauseItself(ref: TenantScheduleRef, reason: SchedulePauseReason): Promise<void>;
  /** Creates the Temporal schedule of every schedule that has none; answers how many it created. */
  reconcile(): Promise<number>;
}

/** Whether Temporal refused the request itself (as opposed to not being reachable). */
function temporalRefused(error: unknown): boolean {
  const cause = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(cause) && cause.code === 3; // INVALID_ARGUMENT
}

const pauseNotes: Record<SchedulePauseReason, string> = {
  agent_archived: 'paused by the runtime: the agent is archived',
  agent_deleted: 'paused by the runtime: the agent was deleted',
};

/** Builds the schedule service over one resources bag (its process's composition root). */
export function createScheduleService(resources: ScheduleServiceResources): ScheduleService {
  const { db, temporal, taskQueue, logger } = resources;

  /**
   * Brings Temporal in step after a committed change; an unreachable Temporal is caught up by
   * the next read or API start (a refusal is thrown).
   */
  async function syncLater(
    schedule: Schedule,
    sync: (temporal: Client, schedule: Schedule, taskQueue: string) => Promise<unknown>,
  ): Promise<void> {
    await sync(temporal, schedule, taskQueue).catch((error: unknown) => {
      if (temporalRefused(error)) throw error;
      logger.warn({ err: error, scheduleId: schedule.id }, 'could not reach Temporal; the schedule is synced later');
    });
  }

  async function checkTargets(tenantId: string, target: Pick<Schedule, 'agentId' | 'version' | 'threadId'>) {
    const agent = await getAgent(db, tenantId, target.agentId);
    if (agent.archivedAt) {
      throw new AppError('agent_archived', `agent ${agent.id} is archived and takes no new runs`, {
        agentId: agent.id,
      });
    }
    if (target.version !== null) await getAgentVersion(db, tenantId, agent.id, target.version);
    if (target.threadId !== null) await getThread(db, tenantId, target.threadId);
  }

  async function audited<T>(by: RunActor, action: string, id: string, change: (trx: Kysely<Database>) => Promise<T>) {
    return db.transaction().execute(async (trx) => {
      const result = await change(trx);
      await recordAuditEvent(trx, { ...by, action, target: { type: 'schedule', id } });
      return result;
    });
  }

  return {
    async create(request, by) {
      await checkTargets(by.tenantId, request);
      const schedule = await db.transaction().execute(async (trx) => {
        const created = await insertSchedule(trx, by.tenantId, request);
        await recordAuditEvent(trx, {
          ...by,
          action: 'schedule.created',
          target: { type: 'schedule', id: created.id },
          details: { agentId: created.agentId },
        });
        return created;
      });
      try {
        await syncLater(schedule, ensureTemporalSchedule);
      } catch (error) {
        // Temporal refused what validation let through: the schedule is not kept.
        await db.deleteFrom('schedules').where('id', '=', schedule.id).execute();
        throw new AppError('validation_failed', 'Temporal refused the schedule', {
          errors: [{ path: 'spec', message: error instanceof Error ? error.message : String(error) }],
        });
      }
      return schedule;
    },

    async get(ref, count) {
      const schedule = await getSchedule(db, ref.tenantId, ref.scheduleId);
      let times = await nextFireTimes(temporal, schedule.id, count);
      if (times === undefined) {
        logger.warn({ scheduleId: schedule.id }, 'Temporal has no schedule for this one; creating it again');
        await ensureTemporalSchedule(temporal, schedule, taskQueue);
        times = (await nextFireTimes(temporal, schedule.id, count)) ?? [];
      }
      // A paused schedule fires no more, whatever Temporal's describe has caught up with yet.
      return { ...schedule, nextFireTimes: schedule.paused ? [] : times };
    },

    list: (tenantId, page) => listSchedules(db, tenantId, page),

    async update(ref, change, by) {
      const current = await getSchedule(db, ref.tenantId, ref.scheduleId);
      await checkTargets(ref.tenantId, {
        agentId: current.agentId,
        version: change.version === undefined ? current.version : change.version,
        threadId: change.threadId === undefined ? current.threadId : change.threadId,
      });
      const schedule = await audited(by, 'schedule.updated', ref.scheduleId, (trx) =>
        updateSchedule(trx, ref.tenantId, ref.scheduleId, change),
      );
      await syncLater(schedule, updateTemporalSchedule);
      return schedule;
    },

    async setPaused(ref, paused, note, by) {
      const schedule = await audited(by, paused ? 'schedule.paused' : 'schedule.unpaused', ref.scheduleId, (trx) =>
        setSchedulePaused(trx, ref.tenantId, ref.scheduleId, { paused, note }),
      );
      await syncLater(schedule, setTemporalSchedulePaused);
      return schedule;
    },

    async trigger(ref, by) {
      const schedule = await getSchedule(db, ref.tenantId, ref.scheduleId);
      await ensureTemporalSchedule(temporal, schedule, taskQueue);
      await temporal.schedule.getHandle(schedule.id).trigger();
      await recordAuditEvent(db, {
        ...by,
        action: 'schedule.triggered',
        target: { type: 'schedule', id: schedule.id },
      });
    },

    async delete(ref, by) {
      await audited(by, 'schedule.deleted', ref.scheduleId, (trx) =>
        deleteScheduleRow(trx, ref.tenantId, ref.scheduleId),
      );
      // A Temporal schedule left behind deletes itself at its next fire (it finds no row).
      await deleteTemporalSchedule(temporal, ref.scheduleId).catch((error: unknown) =>
        logger.warn({ err: error, scheduleId: ref.scheduleId }, 'could not delete the Temporal schedule yet'),
      );
    },

    async pauseItself(ref, reason) {
      const schedule = await db.transaction().execute(async (trx) => {
        const paused = await setSchedulePaused(trx, ref.tenantId, ref.scheduleId, {
          paused: true,
          note: pauseNotes[reason],
          reason,
        });
        await recordAuditEvent(trx, {
          tenantId: ref.tenantId,
          actor: { subject: `schedule:${ref.scheduleId}`, kind: 'system' },
          requestId: undefined,
          action: 'schedule.paused',
          target: { type: 'schedule', id: ref.scheduleId },
          details: { reason },
        });
        return paused;
      });
      await setTemporalSchedulePaused(temporal, schedule, taskQueue);
    },

    async reconcile() {
      let synced = 0;
      for (let after: string | undefined; ;) {
        const batch = await listAllSchedules(db, after, 200);
        for (const schedule of batch) {
          if (await ensureTemporalSchedule(temporal, schedule, taskQueue)) synced += 1;
        }
        if (batch.length < 200) return synced;
        after = batch.at(-1)?.id;
      }
    },
  };
}
