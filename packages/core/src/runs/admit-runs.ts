import { startRunWorkflow } from '../execution/start-run-workflow.ts';
import { admitQueuedRuns, listAdmittedQueuedRunIds } from '../limits/run-admission.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** Admitted runs of a tenant whose workflows one call (re)starts at most. */
const startBatch = 100;

/** Options of {@link admitRuns}. */
export interface AdmitRunsOptions {
  /**
   * Also (re)start every admitted run of the tenant still `queued`, not only those admitted
   * now: for a retry after a failed start. Costs one Temporal call per such run, so off on
   * the hot path. @default false
   */
  readonly restartAdmitted?: boolean | undefined;
}

/**
 * Admits the tenant's oldest queued runs into its free slots (unless its waiting cap holds
 * admission) and starts their workflows, oldest first (starting is idempotent). Called when a
 * run is queued, starts waiting, stops waiting or ends, when a queued run is cancelled and
 * when the limit changes. Throws when Temporal cannot be reached; the runs stay admitted,
 * holding their slots, and a retry with `restartAdmitted` or the reconciler starts them.
 */
export async function admitRuns(
  resources: RunServiceResources,
  tenantId: string,
  options: AdmitRunsOptions = {},
): Promise<void> {
  const { db, temporal, taskQueue, limits } = resources;
  const admitted = await admitQueuedRuns(db, tenantId, limits);
  const runIds = options.restartAdmitted ? await listAdmittedQueuedRunIds(db, tenantId, startBatch) : admitted;
  for (const runId of runIds) await startRunWorkflow(temporal, taskQueue, runId);
}

/**
 * {@link admitRuns} where a failure must not fail the caller (the change that made room has
 * committed): logged, and left to the reconciler's next pass.
 */
export async function admitRunsBestEffort(resources: RunServiceResources, tenantId: string): Promise<void> {
  await admitRuns(resources, tenantId).catch((error: unknown) =>
    resources.logger.warn({ err: error, tenantId }, 'could not admit the next queued runs yet'),
  );
}
