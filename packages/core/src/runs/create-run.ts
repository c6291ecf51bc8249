import { contentHash } from '../canonical-json.ts';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import {
  createRun,
  findRunByIdempotencyKey,
  type CreateRunRequest,
  type CreateRunResult,
} from '../db/repositories/runs.ts';
import type { MultitaskStrategy } from '../domain/thread.ts';
import { startRunWorkflow } from '../execution/start-run-workflow.ts';
import { assertTenantBudgetLeft } from '../usage/tenant-budget.ts';
import { admitRuns } from './admit-runs.ts';
import type { RunActor, RunServiceResources } from './run-service-resources.ts';
import { applyMultitaskStrategy, stopSupersededRuns, type SupersededRun } from './supersede-thread-runs.ts';

/** What a caller asks for when it creates a run (`POST /v1/runs`, threads, later schedules…). */
export type NewRunRequest = Pick<
  CreateRunRequest,
  'agentId' | 'version' | 'input' | 'metadata' | 'messagePolicy' | 'idempotencyKey' | 'replayOf' | 'webhookUrl'
> & {
  /** The thread the run is the next turn of, and what it does to an earlier run of it that has not ended. */
  readonly thread?: { readonly id: string; readonly multitaskStrategy: MultitaskStrategy } | undefined;
};

/**
 * What an idempotency key protects, hashed: the request without its key. Its canonical JSON
 * is that of the `POST /v1/runs` body (unset fields left out), so the hashes of runs created
 * before the run service existed still match; a thread's run adds its thread and strategy, a
 * replay what it replays (so a key used for a run and then for a replay is a conflict).
 */
function requestHashOf({
  agentId,
  version,
  input,
  metadata,
  messagePolicy,
  thread,
  replayOf,
  webhookUrl,
}: NewRunRequest): string {
  return contentHash({
    agentId,
    version,
    input,
    metadata,
    messagePolicy: messagePolicy ?? 'enqueue',
    replayOf,
    webhookUrl,
    ...(thread === undefined ? {} : { threadId: thread.id, multitaskStrategy: thread.multitaskStrategy }),
  });
}

/** The written run, the earlier runs of its thread it supersedes, and whether it may start at once. */
interface WrittenRun extends CreateRunResult {
  readonly superseded: readonly SupersededRun[];
  readonly threadBusy: boolean;
}

/**
 * Refuses a new run of a tenant that has spent its monthly budget (`tenant_budget_exceeded`).
 * Writes a `queued` run with its audit record in one transaction, then admits and starts it
 * (or, in reject mode, writes it only into a free slot and starts it at once). A run on a
 * thread first applies its multitask strategy to the thread's unfinished runs, and waits
 * for them to end before it starts.
 */
export async function createRunWithAdmission(
  resources: RunServiceResources,
  request: NewRunRequest,
  by: RunActor,
): Promise<CreateRunResult> {
  const { db, limits, logger } = resources;
  const { idempotencyKey, thread } = request;
  const requestHash = idempotencyKey === undefined ? undefined : requestHashOf(request);
  const result = await db.transaction().execute(async (trx): Promise<WrittenRun> => {
    if (idempotencyKey !== undefined) {
      const repeated = await findRunByIdempotencyKey(trx, { tenantId: by.tenantId, idempotencyKey, requestHash });
      if (repeated) return { ...repeated, superseded: [], threadBusy: false };
    }
    // A repeated request still finds its run; a new one needs budget left this month.
    await assertTenantBudgetLeft(trx, by.tenantId);
    const { superseded, busy } =
      thread === undefined ? { superseded: [], busy: false } : await applyMultitaskStrategy(trx, by.tenantId, thread);
    // A run behind an earlier run of its thread is never admitted at once: admission starts it in turn.
    const rejectOverLimit = limits.overflow === 'reject' && !busy;
    const written = await createRun(trx, {
      tenantId: by.tenantId,
      agentId: request.agentId,
      version: request.version,
      input: request.input,
      metadata: request.metadata,
      messagePolicy: request.messagePolicy,
      threadId: thread?.id,
      idempotencyKey,
      replayOf: request.replayOf,
      webhookUrl: request.webhookUrl,
      requestHash,
      overflow: rejectOverLimit ? { mode: 'reject', ...limits } : undefined,
    });
    if (written.created) {
      await recordAuditEvent(trx, {
        ...by,
        action: 'run.created',
        target: { type: 'run', id: written.run.id },
        details: {
          agentId: written.run.agentId,
          agentVersion: written.run.agentVersion,
          ...(thread === undefined ? {} : { threadId: thread.id, multitaskStrategy: thread.multitaskStrategy }),
          ...(written.run.replayOf === undefined ? {} : { replayOf: written.run.replayOf }),
        },
      });
    }
    return { ...written, superseded, threadBusy: busy };
  });
  const { run, superseded } = result;
  await stopSupersededRuns(resources, run.tenantId, superseded, by).catch((error: unknown) =>
    logger.warn({ err: error, runId: run.id }, 'could not stop the earlier runs of the thread; the run follows them'),
  );
  if (run.status === 'queued') {
    // The row is the promise: if Temporal is down, the reconciler starts the run later.
    // Rejecting over the limit admits a run as it is written; queueing waits its turn.
    const startedAtOnce = limits.overflow === 'reject' && !result.threadBusy;
    await (
      startedAtOnce
        ? startRunWorkflow(resources.temporal, resources.taskQueue, run.id)
        : admitRuns(resources, run.tenantId)
    ).catch((error: unknown) =>
      logger.warn({ err: error, runId: run.id }, 'could not start the run workflow yet; it stays queued'),
    );
  }
  return { run: result.run, created: result.created };
}
