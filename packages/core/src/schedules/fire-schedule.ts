import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { findScheduleById } from '../db/repositories/schedules.ts';
import type { Database } from '../db/schema.ts';
import { scheduledRunMetadataKeys, type SchedulePauseReason } from '../domain/schedule.ts';
import { AppError } from '../errors.ts';
import type { RunService } from '../runs/run-service.ts';
import type { ScheduleService } from './schedule-service.ts';
import { deleteTemporalSchedule } from './temporal-schedule.ts';

/** What a fire needs: the run service (a fire's run is a normal run create) and the schedules. */
export interface FireScheduleResources {
  readonly db: Kysely<Database>;
  readonly temporal: Client;
  readonly runs: RunService;
  readonly schedules: ScheduleService;
}

/** One fire of a schedule: the schedule, and the fire's nominal time (Temporal's scheduled time). */
export interface ScheduleFire {
  readonly scheduleId: string;
  readonly tenantId: string;
  /** ISO time of the fire, the same on every retry of it. */
  readonly firedAt: string;
}

/** What a fire did: created (or found, on a retry) its run, or made none and why. */
export type ScheduleFireOutcome =
  | { readonly kind: 'run'; readonly runId: string; readonly created: boolean }
  | { readonly kind: 'none'; readonly reason: 'schedule_deleted' | SchedulePauseReason };

/** The idempotency key of a fire's run: one run per schedule and fire time, whoever retries. */
export function scheduledRunIdempotencyKey(fire: ScheduleFire): string {
  return `schedule:${fire.scheduleId}:${fire.firedAt}`;
}

/** Whether the error says the agent a schedule runs is gone (deleted or archived), and which. */
function agentGone(error: unknown, agentId: string): SchedulePauseReason | undefined {
  if (!(error instanceof AppError)) return undefined;
  if (error.code === 'agent_archived') return 'agent_archived';
  const details = error.details as { kind?: string; id?: string } | undefined;
  return error.code === 'not_found' && details?.kind === 'agent' && details.id === agentId
    ? 'agent_deleted'
    : undefined;
}

/**
 * Creates the run of one fire through the run service, with the schedule's agent, input,
 * metadata (plus `schedule.id` and `schedule.firedAt`) and thread, under an idempotency key
 * of the schedule and fire time: a retried fire answers the run the first attempt made. A
 * schedule deleted meanwhile deletes its Temporal schedule; one whose agent is archived or
 * deleted pauses itself with the reason. Other refusals (tenant limits in reject mode, a
 * busy thread under `reject`) are thrown for the caller to fail the fire.
 */
export async function fireSchedule(resources: FireScheduleResources, fire: ScheduleFire): Promise<ScheduleFireOutcome> {
  const schedule = await findScheduleById(resources.db, fire.scheduleId);
  if (!schedule || schedule.tenantId !== fire.tenantId) {
    await deleteTemporalSchedule(resources.temporal, fire.scheduleId);
    return { kind: 'none', reason: 'schedule_deleted' };
  }
  const idempotencyKey = scheduledRunIdempotencyKey(fire);
  try {
    const { run, created } = await resources.runs.create(
      {
        agentId: schedule.agentId,
        ...(schedule.version === null ? {} : { version: schedule.version }),
        input: schedule.input,
        metadata: {
          ...schedule.metadata,
          [scheduledRunMetadataKeys.scheduleId]: schedule.id,
          [scheduledRunMetadataKeys.firedAt]: fire.firedAt,
        },
        ...(schedule.threadId === null
          ? {}
          : { thread: { id: schedule.threadId, multitaskStrategy: schedule.multitaskStrategy } }),
        idempotencyKey,
      },
      {
        tenantId: schedule.tenantId,
        actor: { subject: `schedule:${schedule.id}`, kind: 'system' },
        requestId: undefined,
      },
    );
    return { kind: 'run', runId: run.id, created };
  } catch (error) {
    // The schedule changed between this fire's first attempt and now: that attempt's run stands.
    if (error instanceof AppError && error.code === 'idempotency_key_conflict') {
      const runId = String((error.details as { runId?: unknown } | undefined)?.runId);
      return { kind: 'run', runId, created: false };
    }
    const reason = agentGone(error, schedule.agentId);
    if (reason === undefined) throw error;
    await resources.schedules.pauseItself({ tenantId: schedule.tenantId, scheduleId: schedule.id }, reason);
    return { kind: 'none', reason };
  }
}
