import { listQueuedRunIds, startRunWorkflow, type Database, type Logger } from '@agent-runtime/core';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';

/** Options of the {@link startRunReconciler}. */
export interface RunReconcilerOptions {
  readonly db: Kysely<Database>;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly logger: Logger;
  /** How often queued runs are looked at. @default 15000 */
  readonly intervalMs?: number;
  /** Runs started per pass at most. @default 500 */
  readonly batchSize?: number;
}

/**
 * Starts the workflows of runs that are still `queued`: a run is written before its
 * workflow starts, so a crash or a Temporal outage in between would otherwise strand it.
 * Starting is idempotent (workflow id = run id), so overlapping passes and several API
 * instances are harmless. Runs once at once, then every `intervalMs`; returns a stop function.
 */
export function startRunReconciler(options: RunReconcilerOptions): () => Promise<void> {
  const { db, temporal, taskQueue, logger } = options;
  let pass: Promise<void> = Promise.resolve();

  async function reconcile(): Promise<void> {
    try {
      const runIds = await listQueuedRunIds(db, options.batchSize ?? 500);
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
