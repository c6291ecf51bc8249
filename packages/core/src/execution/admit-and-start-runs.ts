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
  /**
   * Also (re)start every admitted run of the tenant still `queued`, not only those admitted
   * now: for a retry after a failed start. Costs one Temporal call per such run, so off on
   * the hot path. @default false
   */
  readonly restartAdmitted?: boolean;
}

/**
 * Admits the tenant's oldest queued runs into its free slots and starts their workflows,
 * oldest first (starting is idempotent). Called when a run is queued, after a run ends, when
 * a queued run is cancelled and when the limit changes. Throws when Temporal cannot be
 * reached; the runs stay admitted, holding their slots, and a retry with `restartAdmitted`
 * or the reconciler starts them.
 */
export async function admitAndStartRuns(options: AdmitAndStartRunsOptions): Promise<void> {
  const { db, temporal, taskQueue, tenantId } = options;
  const admitted = await admitQueuedRuns(db, tenantId, options.defaultMaxConcurrentRuns);
  const runIds = options.restartAdmitted ? await listAdmittedQueuedRunIds(db, tenantId, startBatch) : admitted;
  for (const runId of runIds) await startRunWorkflow(temporal, taskQueue, runId);
}
