import {
  admitQueuedRuns,
  listAdmittedQueuedRunIds,
  listTenantsWithQueuedRuns,
  startRunWorkflow,
  type Database,
  type Logger,
} from '@agent-runtime/core';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';

/** Options of the {@link startRunReconciler}. */
export interface RunReconcilerOptions {
  readonly db: Kysely<Database>;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly logger: Logger;
  /** Concurrent-run limit of tenants without their own (`AR_TENANT_MAX_CONCURRENT_RUNS`); 0: unlimited. */
  readonly defaultMaxConcurrentRuns: number;
  /** How often queued runs are looked at. @default 15000 */
  readonly intervalMs?: number;
  /** Runs started per pass at most. @default 500 */
  readonly batchSize?: number;
}

/**
 * The safety net of run admission and start. Admits queued runs into their tenants' free
 * slots (a run's end normally does that at once, but its worker may have died in between),
 * then starts the workflows of admitted runs that are still `queued`: a run is written
 * before its workflow starts, so a crash or a Temporal outage in between would otherwise
 * strand it. Admission is serialised per tenant and starting is idempotent (workflow id =
 * run id), so overlapping passes and several API instances are harmless. Runs once at once, then every `intervalMs`; returns a stop function.
 */
export function startRunReconciler(options: RunReconcilerOptions): () => Promise<void> {
  const { db, temporal, taskQueue, logger } = options;
  let pass: Promise<void> = Promise.resolve();

  async function reconcile(): Promise<void> {
    try {
      const batchSize = options.batchSize ?? 500;
      for (const tenantId of await listTenantsWithQueuedRuns(db, batchSize)) {
        await admitQueuedRuns(db, tenantId, options.defaultMaxConcurrentRuns);
      }
      const runIds = await listAdmittedQueuedRunIds(db, undefined, batchSize);
      for (const runId of runIds) await startRunWorkflow(temporal, taskQueue, runId);
      if (runIds.length > 0) logger.info({ count: runIds.length }, 'queued runs handed to Temporal');
    } catch (error) {
      logger.warn({ err: error }, 'run reconciliation failed; will retry');
    }
  }

  pass = reconcile();
  const timer = setInterval(() => {
    pass = pass.then(reconcile);
  }, options.intervalMs ?? 15_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await pass;
  };
}
