import { setTimeout as delay } from 'node:timers/promises';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Logger } from '../logger.ts';
import { retentionPassWorkflowType } from './retention-contract.ts';

/** Options of {@link ensureRetentionSchedule}. */
export interface RetentionScheduleOptions {
  /** The task queue the passes run on (`TEMPORAL_TASK_QUEUE`); it names the schedule too. */
  readonly taskQueue: string;
  /** `AR_RETENTION_INTERVAL_MINUTES`; 0 deletes the schedule. */
  readonly intervalMinutes: number;
}

/** What {@link ensureRetentionSchedule} found and did. */
export type RetentionScheduleChange = 'created' | 'updated' | 'deleted' | 'absent';

/**
 * Id of the retention schedule of a task queue: one per deployment (its workers' queue), so
 * every API instance, and every start of one, refers to the same schedule.
 */
export function retentionScheduleId(taskQueue: string): string {
  return `retention-${taskQueue}`;
}

/**
 * Makes the retention schedule exist as configured, idempotently: creates it, or updates the
 * one an earlier start (or another instance) created, never a second one. A pass that would
 * overlap a pass still running is skipped, and after an outage only the latest missed pass
 * runs. With `intervalMinutes` 0 the schedule is deleted.
 */
export async function ensureRetentionSchedule(
  client: Client,
  options: RetentionScheduleOptions,
): Promise<RetentionScheduleChange> {
  const scheduleId = retentionScheduleId(options.taskQueue);
  const handle = client.schedule.getHandle(scheduleId);
  if (options.intervalMinutes === 0) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return 'absent';
      throw error;
    }
  }
  const spec: ScheduleSpec = { intervals: [{ every: `${options.intervalMinutes}m` }] };
  const action: ScheduleOptionsStartWorkflowAction<(state: object) => Promise<unknown>> = {
    type: 'startWorkflow',
    workflowType: retentionPassWorkflowType,
    workflowId: `${scheduleId}-pass`,
    taskQueue: options.taskQueue,
    args: [{}],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${options.intervalMinutes}m` };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await handle.update((previous) => ({ ...previous, spec, action, policies, state: previous.state }));
  return 'updated';
}

/**
 * Calls {@link ensureRetentionSchedule} until it succeeds, every 10 s, in the background: an
 * API process starts (and serves) while Temporal is still coming up. Resolves when done or
 * when `signal` aborts; never rejects.
 */
export async function keepRetentionScheduled(
  client: Client,
  options: RetentionScheduleOptions,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const change = await ensureRetentionSchedule(client, options);
      logger.info({ scheduleId: retentionScheduleId(options.taskQueue), change }, 'retention schedule in place');
      return;
    } catch (error) {
      logger.warn({ err: error }, 'could not set up the retention schedule yet; trying again in 10 s');
      await delay(10_000, undefined, { signal }).catch(() => undefined);
    }
  }
}
