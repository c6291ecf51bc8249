import { scheduledStartTimeAttribute, type ScheduledRunInput } from '@agent-runtime/core/scheduled-run-contract';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { ScheduleActivities } from '../activities/schedule-activities.ts';

const scheduledStartTime = defineSearchAttributeKey(scheduledStartTimeAttribute, SearchAttributeType.DATETIME);

const { createScheduledRun, cancelScheduledRun } = proxyActivities<ScheduleActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { awaitScheduledRunEnd } = proxyActivities<ScheduleActivities>({
  // A run may take days; the heartbeat, not this, notices a worker that died.
  startToCloseTimeout: '365 days',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * One fire of a schedule (started by its Temporal schedule): creates the fire's run, at most
 * once per schedule and fire time (the fire's nominal time, Temporal's
 * `TemporalScheduledStartTime`, keys the run create), then lasts as long as the run, so that
 * the schedule's overlap policy applies to its runs. Cancelled (`cancel_other`), it cancels
 * the run.
 */
export async function scheduledRun(input: ScheduledRunInput): Promise<string | null> {
  const firedAt = workflowInfo().typedSearchAttributes.get(scheduledStartTime);
  if (firedAt === undefined) {
    throw ApplicationFailure.nonRetryable('scheduledRun is started by schedules only', 'validation_failed');
  }
  const outcome = await createScheduledRun({ ...input, firedAt: firedAt.toISOString() });
  if (outcome.kind === 'none') return null;
  const ref = { tenantId: input.tenantId, runId: outcome.runId, scheduleId: input.scheduleId };
  try {
    await awaitScheduledRunEnd(ref);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(() => cancelScheduledRun(ref));
    throw error;
  }
  return outcome.runId;
}
