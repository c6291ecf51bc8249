import { getRun } from '../db/repositories/runs.ts';
import type { Run } from '../domain/resources.ts';
import { isTerminal } from '../domain/run-status.ts';
import { AppError } from '../errors.ts';
import type { RunServiceResources, TenantRunRef } from './run-service-resources.ts';

/** The tenant's run, if it has not ended; else 409 `run_finished`. */
export async function getLiveRun(resources: RunServiceResources, { tenantId, runId }: TenantRunRef): Promise<Run> {
  const run = await getRun(resources.db, tenantId, runId);
  if (isTerminal(run.status)) {
    throw new AppError('run_finished', `run ${run.id} has already ended ${run.status}`, {
      runId: run.id,
      status: run.status,
    });
  }
  return run;
}
