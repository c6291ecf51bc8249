import { setTimeout as delay } from 'node:timers/promises';
import {
  AppError,
  fireSchedule,
  getRun,
  isTerminal,
  type RunStatus,
  type ScheduleFire,
  type ScheduleFireOutcome,
} from '@agent-runtime/core';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ActivityDependencies } from './activity-support.ts';

/** A run a fire made, as the fire's workflow names it. */
export interface ScheduledRunRef {
  readonly tenantId: string;
  readonly runId: string;
  readonly scheduleId: string;
}

/** How often a fire's workflow looks whether its run has ended (it heartbeats as often). */
const runEndPollMs = 1000;

/**
 * Refusals of a fire's run create that no retry changes (the tenant over its limits in reject
 * mode or over its monthly budget, a busy thread under `reject`, a version gone): the fire fails with the code as type.
 */
const finalRefusals = new Set([
  'rate_limited',
  'tenant_budget_exceeded',
  'thread_busy',
  'not_found',
  'validation_failed',
  'conflict',
]);

/**
 * The activities of the `scheduledRun` workflow: create the run of a fire (idempotent per
 * schedule and fire time), follow it to its end, cancel it when the schedule's overlap
 * policy cancels the fire.
 */
export function createScheduleActivities(dependencies: ActivityDependencies) {
  const { db, runs, logger } = dependencies;
  return {
    /** Creates (or, on a retry, finds) the run of one fire: see `fireSchedule`. */
    async createScheduledRun(fire: ScheduleFire): Promise<ScheduleFireOutcome> {
      const { schedules, temporal } = dependencies.scheduling ?? {};
      if (!schedules || !temporal) throw ApplicationFailure.nonRetryable('this worker runs no schedules', 'internal');
      try {
        const outcome = await fireSchedule({ db, temporal, runs, schedules }, fire);
        logger.debug({ ...fire, outcome }, 'schedule fired');
        return outcome;
      } catch (error) {
        if (error instanceof AppError && finalRefusals.has(error.code)) {
          throw ApplicationFailure.nonRetryable(error.message, error.code);
        }
        throw error;
      }
    },

    /** Waits until the run has ended and answers its status; heartbeats, so a cancel reaches it. */
    async awaitScheduledRunEnd(ref: ScheduledRunRef): Promise<RunStatus> {
      const context = Context.current();
      for (;;) {
        const { status } = await getRun(db, ref.tenantId, ref.runId);
        if (isTerminal(status)) return status;
        context.heartbeat();
        await delay(runEndPollMs, undefined, { signal: context.cancellationSignal });
      }
    },

    /** Cancels the run (its schedule's `cancel_other` policy); one that has ended stays as it is. */
    async cancelScheduledRun(ref: ScheduledRunRef): Promise<void> {
      await runs
        .cancel(
          { tenantId: ref.tenantId, runId: ref.runId },
          {
            tenantId: ref.tenantId,
            actor: { subject: `schedule:${ref.scheduleId}`, kind: 'system' },
            requestId: undefined,
          },
        )
        .catch((error: unknown) => {
          if (!(error instanceof AppError && error.code === 'run_finished')) throw error;
        });
    },
  };
}

/** The schedule activities as the workflow sees them (types only). */
export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
