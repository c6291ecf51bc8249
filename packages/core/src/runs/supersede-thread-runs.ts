import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import { removeThreadTurn } from '../db/repositories/thread-messages.ts';
import { listUnfinishedThreadRuns, lockThread } from '../db/repositories/threads.ts';
import type { Database } from '../db/schema.ts';
import type { MultitaskStrategy } from '../domain/thread.ts';
import { AppError } from '../errors.ts';
import { interruptRunSignal } from '../execution/agent-run-contract.ts';
import { cancelRun } from './cancel-run.ts';
import type { RunActor, RunServiceResources } from './run-service-resources.ts';

/** An unfinished run of a thread that a newer run of it takes over from. */
export interface SupersededRun {
  readonly id: string;
  readonly strategy: Extract<MultitaskStrategy, 'interrupt' | 'rollback'>;
}

/**
 * Under the thread's row lock (so runs join a thread one at a time on every API instance):
 * applies the new run's multitask strategy to the thread's unfinished runs. `reject` refuses
 * with 409 `thread_busy`; `rollback` marks them discarded (and takes back a turn one of them
 * has already written), in this transaction; `interrupt` and `rollback` answer them for the
 * caller to stop once this transaction has committed.
 */
export async function applyMultitaskStrategy(
  trx: Kysely<Database>,
  tenantId: string,
  thread: { readonly id: string; readonly multitaskStrategy: MultitaskStrategy },
): Promise<{ superseded: SupersededRun[]; busy: boolean }> {
  await lockThread(trx, tenantId, thread.id);
  const unfinished = await listUnfinishedThreadRuns(trx, thread.id);
  if (unfinished.length === 0) return { superseded: [], busy: false };
  const strategy = thread.multitaskStrategy;
  if (strategy === 'reject') {
    throw new AppError('thread_busy', `thread ${thread.id} has a run in progress`, {
      threadId: thread.id,
      runIds: unfinished.map((run) => run.id),
    });
  }
  if (strategy === 'enqueue') return { superseded: [], busy: true };
  if (strategy === 'rollback') {
    await trx
      .updateTable('runs')
      .set({ thread_discarded_at: new Date() })
      .where(
        'id',
        'in',
        unfinished.map((run) => run.id),
      )
      .execute();
    for (const run of unfinished) await removeThreadTurn(trx, thread.id, run.id);
  }
  return { superseded: unfinished.map((run) => ({ ...run, strategy })), busy: true };
}

/** Cancels the run, unless it has ended meanwhile (then there is nothing left to stop). */
async function cancelUnlessEnded(
  resources: RunServiceResources,
  tenantId: string,
  runId: string,
  by: RunActor,
): Promise<void> {
  await cancelRun(resources, { tenantId, runId }, by).catch((error: unknown) => {
    if (!(error instanceof AppError && error.code === 'run_finished')) throw error;
  });
}

/**
 * Stops the runs a new run of their thread supersedes, once the new run is written: `rollback`
 * cancels each (its turn was discarded in the same transaction as the new run); `interrupt`
 * signals each to stop at its next step boundary, keeping what it did, and cancels one whose
 * workflow never started. Audited. The new run starts when they have ended (admission holds
 * it behind them). Throws when Temporal cannot be reached: the caller logs it, and the earlier
 * run then ends on its own, with the new run after it.
 */
export async function stopSupersededRuns(
  resources: RunServiceResources,
  tenantId: string,
  superseded: readonly SupersededRun[],
  by: RunActor,
): Promise<void> {
  for (const run of superseded) {
    if (run.strategy === 'rollback') {
      await cancelUnlessEnded(resources, tenantId, run.id, by);
      continue;
    }
    try {
      await resources.temporal.workflow.getHandle(run.id).signal(interruptRunSignal);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // Never started (still queued), or already ended: cancelling closes the first, skips the second.
      await cancelUnlessEnded(resources, tenantId, run.id, by);
      continue;
    }
    await recordAuditEvent(resources.db, {
      ...by,
      action: 'run.interrupted',
      target: { type: 'run', id: run.id },
      details: { reason: 'a newer run of its thread interrupted it' },
    });
  }
}
