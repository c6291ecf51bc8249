import { sql } from 'kysely';
import type { Run, RunQueue } from '../domain/resources.ts';
import { readAdmissionState, type AdmissionState } from '../limits/run-admission.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A queued run as stored now: whether it was admitted, and how many runs are ahead of it. */
interface QueuedRow {
  readonly id: string;
  readonly status: string;
  readonly admitted_at: Date | null;
  readonly ahead: string | number;
}

/** Why the run of this row is queued, given its tenant's admission state. */
function queueOf(row: QueuedRow, state: AdmissionState): RunQueue {
  // Admitted, or already moved on since the caller read it: its workflow is starting.
  if (row.status !== 'queued' || row.admitted_at !== null) return { position: 0, reason: 'starting', limit: null };
  const position = Number(row.ahead) + 1;
  if (state.hold === 'waiting_runs') return { position, reason: 'waiting_runs', limit: state.maxWaitingRuns };
  if (state.free !== undefined && position > state.free) {
    return { position, reason: 'concurrent_runs', limit: state.maxConcurrentRuns };
  }
  return { position, reason: 'admission_pending', limit: null };
}

/** The queued rows among `runIds` of one tenant, each with the count of runs ahead of it in the tenant's queue. */
async function readQueuedRows(
  resources: RunServiceResources,
  tenantId: string,
  runIds: readonly string[],
): Promise<QueuedRow[]> {
  return resources.db
    .selectFrom('runs as r')
    .select((eb) => [
      'r.id',
      'r.status',
      'r.admitted_at',
      // Runs ahead: unadmitted queued runs of the tenant created before (by the index of the queue).
      eb
        .selectFrom('runs as q')
        .select(eb.fn.countAll<string>().as('count'))
        .whereRef('q.tenant_id', '=', 'r.tenant_id')
        .where('q.status', '=', 'queued')
        .where('q.admitted_at', 'is', null)
        .where(sql<boolean>`(q.created_at, q.id) < (r.created_at, r.id)`)
        .as('ahead'),
    ])
    .where('r.tenant_id', '=', tenantId)
    .where('r.id', 'in', runIds)
    .execute() as Promise<QueuedRow[]>;
}

/**
 * The runs, each `queued` one with its `queue`: its position in its tenant's queue and the
 * limit that holds it. Read at the moment of asking (positions move as other runs end), so
 * never cached with the run. Costs nothing when no run is queued.
 */
export async function describeQueue(resources: RunServiceResources, runs: readonly Run[]): Promise<Run[]> {
  const queuedByTenant = new Map<string, string[]>();
  for (const run of runs) {
    if (run.status === 'queued')
      queuedByTenant.set(run.tenantId, [...(queuedByTenant.get(run.tenantId) ?? []), run.id]);
  }
  if (queuedByTenant.size === 0) return [...runs];
  const queues = new Map<string, RunQueue>();
  for (const [tenantId, runIds] of queuedByTenant) {
    const state = await readAdmissionState(resources.db, tenantId, resources.limits);
    for (const row of await readQueuedRows(resources, tenantId, runIds)) queues.set(row.id, queueOf(row, state));
  }
  return runs.map((run) => {
    const queue = queues.get(run.id);
    return queue ? { ...run, queue } : run;
  });
}
