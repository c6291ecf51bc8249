import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy as TemporalOverlap,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import type { Schedule, ScheduleOverlapPolicy } from '../domain/schedule.ts';
import { scheduledRunWorkflowType, type ScheduledRunInput } from '../execution/scheduled-run-contract.ts';

const overlapPolicies = {
  skip: TemporalOverlap.SKIP,
  buffer_one: TemporalOverlap.BUFFER_ONE,
  allow_all: TemporalOverlap.ALLOW_ALL,
  cancel_other: TemporalOverlap.CANCEL_OTHER,
} as const satisfies Record<ScheduleOverlapPolicy, TemporalOverlap>;

/**
 * The Temporal schedule of one of ours (same id): its timetable and policies, and an action
 * that starts `scheduledRun` with the schedule's id only. What each run is (agent, input,
 * thread) is read from the database at the fire, so changing it needs no Temporal update.
 */
export function temporalScheduleOptions(schedule: Schedule, taskQueue: string): ScheduleOptions {
  const { spec } = schedule;
  const input: ScheduledRunInput = { scheduleId: schedule.id, tenantId: schedule.tenantId };
  return {
    scheduleId: schedule.id,
    spec: {
      cronExpressions: spec.cron,
      intervals: spec.intervals.map((interval) => ({
        every: interval.everySeconds * 1000,
        offset: interval.offsetSeconds * 1000,
      })),
      timezone: spec.timeZone,
      ...(spec.startAt === undefined ? {} : { startAt: new Date(spec.startAt) }),
      ...(spec.endAt === undefined ? {} : { endAt: new Date(spec.endAt) }),
      jitter: spec.jitterSeconds * 1000,
    },
    action: {
      type: 'startWorkflow',
      workflowType: scheduledRunWorkflowType,
      // Temporal appends each fire's time, so a fire's workflow id is unique and stable.
      workflowId: `schedule-${schedule.id}`,
      taskQueue,
      args: [input],
    },
    policies: {
      overlap: overlapPolicies[schedule.overlap],
      catchupWindow: schedule.catchupWindowSeconds * 1000,
    },
    state: { paused: schedule.paused, note: schedule.note ?? '' },
  };
}

/**
 * Creates the Temporal schedule unless it exists, and leaves an existing one alone: Temporal
 * drops the missed fires before a schedule's last update, so the reconciler must not update
 * a schedule that only waits to catch up after downtime. Answers whether it created one.
 */
export async function ensureTemporalSchedule(
  temporal: Client,
  schedule: Schedule,
  taskQueue: string,
): Promise<boolean> {
  try {
    await temporal.schedule.create(temporalScheduleOptions(schedule, taskQueue));
    return true;
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return false;
    throw error;
  }
}

/** Replaces the Temporal schedule's timetable, policies and state with ours; creates it when missing. */
export async function updateTemporalSchedule(temporal: Client, schedule: Schedule, taskQueue: string): Promise<void> {
  const { spec, action, policies = {}, state = {} } = temporalScheduleOptions(schedule, taskQueue);
  try {
    await temporal.schedule.getHandle(schedule.id).update(() => ({ spec, action, policies, state }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await ensureTemporalSchedule(temporal, schedule, taskQueue);
  }
}

/** Pauses or unpauses the Temporal schedule with the note (creating it, as it now is, when missing). */
export async function setTemporalSchedulePaused(temporal: Client, schedule: Schedule, taskQueue: string) {
  const handle = temporal.schedule.getHandle(schedule.id);
  const note = schedule.note ?? '';
  try {
    await (schedule.paused ? handle.pause(note) : handle.unpause(note));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await ensureTemporalSchedule(temporal, schedule, taskQueue);
  }
}

/** Deletes the Temporal schedule; one already gone is fine. */
export async function deleteTemporalSchedule(temporal: Client, scheduleId: string): Promise<void> {
  await temporal.schedule
    .getHandle(scheduleId)
    .delete()
    .catch((error: unknown) => {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    });
}

/**
 * The next `count` fire times Temporal has computed for the schedule, or undefined when
 * Temporal has no such schedule. Its describe follows a pause or an unpause a moment later.
 */
export async function nextFireTimes(
  temporal: Client,
  scheduleId: string,
  count: number,
): Promise<string[] | undefined> {
  try {
    const description = await temporal.schedule.getHandle(scheduleId).describe();
    return description.info.nextActionTimes.slice(0, count).map((time) => time.toISOString());
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}
