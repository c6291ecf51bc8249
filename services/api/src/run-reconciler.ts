import type { Logger, RunService } from '@agent-runtime/core';

/** Options of the {@link startRunReconciler}. */
export interface RunReconcilerOptions {
  /** The process's run service: each pass is its `reconcile`. */
  readonly runs: RunService;
  readonly logger: Logger;
  /** How often queued runs are looked at. @default 15000 */
  readonly intervalMs?: number;
  /** Runs started per pass at most. @default 500 */
  readonly batchSize?: number;
}

/**
 * The safety net of run admission and start (`RunService.reconcile`): admits queued runs
 * into their tenants' free slots and starts admitted runs whose workflows never started (a
 * crash or a Temporal outage between a run's write and its start). Overlapping passes and
 * several API instances are harmless. Runs once at once, then every `intervalMs`; returns a
 * stop function.
 */
export function startRunReconciler(options: RunReconcilerOptions): () => Promise<void> {
  const { runs, logger } = options;
  let pass: Promise<void> = Promise.resolve();

  async function reconcile(): Promise<void> {
    try {
      const started = await runs.reconcile(options.batchSize ?? 500);
      if (started > 0) logger.info({ count: started }, 'queued runs handed to Temporal');
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
