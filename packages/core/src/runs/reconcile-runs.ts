import { startRunWorkflow } from '../execution/start-run-workflow.ts';
import { admitQueuedRuns, listAdmittedQueuedRunIds, listTenantsWithQueuedRuns } from '../limits/run-admission.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/**
 * One pass of the safety net of admission and start. Admits queued runs into their tenants'
 * free slots (a run's end normally does that at once, but its worker may have died in
 * between), then starts the workflows of admitted runs that are still `queued`: a run is
 * written before its workflow starts, so a crash or a Temporal outage in between would
 * otherwise strand it. Admission is serialised per tenant and starting is idempotent
 * (workflow id = run id), so overlapping passes on several API instances are harmless.
 * Answers how many runs it handed to Temporal.
 */
export async function reconcileRuns(resources: RunServiceResources, batchSize: number): Promise<number> {
  const { db, temporal, taskQueue, limits } = resources;
  for (const tenantId of await listTenantsWithQueuedRuns(db, batchSize)) {
    await admitQueuedRuns(db, tenantId, limits);
  }
  const runIds = await listAdmittedQueuedRunIds(db, undefined, batchSize);
  for (const runId of runIds) await startRunWorkflow(temporal, taskQueue, runId);
  return runIds.length;
}
