import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { admitQueuedRuns, listAdmittedQueuedRunIds } from '../limits/run-admission.ts';
import { startRunWorkflow } from './start-run-workflow.ts';

/** Admitted runs of a tenant whose workflows one call (re)starts at most. */
const startBatch = 100;

/** What {@link admitAndStartRuns} needs. */
export interface AdmitAndStartRunsOptions {
  readonly db: Kysely<Database>;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly tenantId: string;
  /** The limit of tenants without their own (`AR_TENANT_MAX_CONCURRENT_RUNS`); 0: unlimited. */
  readonly defaultMaxConcurrentRuns: number;
}

/**
 * Admits the tenant's oldest queued runs into its free slots, then starts the workflow of
 * every admitted run still `queued`, oldest first: the ones just admitted and any whose
 * start failed earlier (starting is idempotent). Called when a run is queued and after a run
 * ends; the reconciler calls it too, as the safety net. Throws when Temporal cannot be
 * reached; the runs stay admitted and the next call (or the reconciler) starts them.
 */
export async function admitAndStartRuns(options: AdmitAndStartRunsOptions): Promise<void> {
  const { db, temporal, taskQueue, tenantId } = options;
  await admitQueuedRuns(db, tenantId, options.defaultMaxConcurrentRuns);
  for (const runId of await listAdmittedQueuedRunIds(db, tenantId, startBatch)) {
    await startRunWorkflow(temporal, taskQueue, runId);
  }
}
