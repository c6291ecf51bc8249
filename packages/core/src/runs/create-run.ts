import { contentHash } from '../canonical-json.ts';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import { createRun, type CreateRunRequest, type CreateRunResult } from '../db/repositories/runs.ts';
import { startRunWorkflow } from '../execution/start-run-workflow.ts';
import { admitRuns } from './admit-runs.ts';
import type { RunActor, RunServiceResources } from './run-service-resources.ts';

/** What a caller asks for when it creates a run (`POST /v1/runs`, later threads, schedules…). */
export type NewRunRequest = Pick<
  CreateRunRequest,
  'agentId' | 'version' | 'input' | 'metadata' | 'messagePolicy' | 'idempotencyKey' | 'replayOf'
>;

/**
 * What an idempotency key protects, hashed: the request without its key. Its canonical JSON
 * is that of the `POST /v1/runs` body (unset fields left out), so the hashes of runs created
 * before the run service existed still match; a replay's adds what it replays, so a key used
 * for a run and then for a replay is a conflict.
 */
function requestHashOf({ agentId, version, input, metadata, messagePolicy, replayOf }: NewRunRequest): string {
  return contentHash({ agentId, version, input, metadata, messagePolicy: messagePolicy ?? 'enqueue', replayOf });
}

/**
 * Writes a `queued` run with its audit record in one transaction, then admits and starts it
 * (or, in reject mode, writes it only into a free slot and starts it at once).
 */
export async function createRunWithAdmission(
  resources: RunServiceResources,
  request: NewRunRequest,
  by: RunActor,
): Promise<CreateRunResult> {
  const { db, limits, logger } = resources;
  const { idempotencyKey } = request;
  const rejectOverLimit = limits.overflow === 'reject';
  const result = await db.transaction().execute(async (trx) => {
    const written = await createRun(trx, {
      tenantId: by.tenantId,
      agentId: request.agentId,
      version: request.version,
      input: request.input,
      metadata: request.metadata,
      messagePolicy: request.messagePolicy,
      idempotencyKey,
      replayOf: request.replayOf,
      requestHash: idempotencyKey === undefined ? undefined : requestHashOf(request),
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
          ...(written.run.replayOf === undefined ? {} : { replayOf: written.run.replayOf }),
        },
      });
    }
    return written;
  });
  const { run } = result;
  if (run.status === 'queued') {
    // The row is the promise: if Temporal is down, the reconciler starts the run later.
    // Rejecting over the limit admits a run as it is written; queueing waits its turn.
    await (
      rejectOverLimit
        ? startRunWorkflow(resources.temporal, resources.taskQueue, run.id)
        : admitRuns(resources, run.tenantId)
    ).catch((error: unknown) =>
      logger.warn({ err: error, runId: run.id }, 'could not start the run workflow yet; it stays queued'),
    );
  }
  return result;
}
