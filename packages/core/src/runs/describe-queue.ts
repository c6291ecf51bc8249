import { sql } from 'kysely';
import { toRun } from '../db/repositories/runs.ts';
import type { RunRow } from '../db/schema.ts';
import type { Run, RunQueue } from '../domain/resources.ts';
import { heldByThread, readAdmissionState, type AdmissionState } from '../limits/run-admission.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A run as stored now, with how many runs are ahead of it in its tenant's queue. */
type QueuedRow = RunRow & { readonly ahead: string | number; readonly held_by_thread: boolean };

/** Why the queued run of this row waits, given its tenant's admission state. */
function queueOf(row: QueuedRow, state: AdmissionState): RunQueue {
  if (row.admitted_at !== null) return { position: 0, reason: 'starting', limit: null };
  const position = Number(row.ahead) + 1;
  if (row.held_by_thread) return { position, reason: 'thread', limit: null };
  if (state.hold === 'waiting_runs') return { position, reason: 'waiting_runs', limit: state.maxWaitingRuns };
  if (state.free !== undefined && position > state.free) {
    return { position, reason: 'concurrent_runs', limit: state.maxConcurrentRuns };
  }
  return { position, reason: 'admission_pending', limit: null };
}

/** The rows of `runIds` of one tenant as stored now, each with the count of runs ahead of it in the tenant's queue. */
async function readQueuedRows(
  resources: RunServiceResources,
  tenantId: string,
  runIds: readonly string[],
): Promise<QueuedRow[]> {
  return resources.db
    .selectFrom('runs as q')
    .selectAll('q')
    .select(heldByThread.as('held_by_thread'))
    .select((eb) =>
      // Runs ahead: unadmitted queued runs of the tenant created before (by the index of the queue).
      eb
        .selectFrom('runs as a')
        .select(eb.fn.countAll<string>().as('count'))
        .whereRef('a.tenant_id', '=', 'q.tenant_id')
        .where('a.status', '=', 'queued')
        .where('a.admitted_at', 'is', null)
        .where(sql<boolean>`(a.created_at, a.id) < (q.created_at, q.id)`)
        .as('ahead'),
    )
    .where('q.tenant_id', '=', tenantId)
    .where('q.id', 'in', runIds)
    .execute() as Promise<QueuedRow[]>;
}

/** The queued runs among `runs` as stored now, each with its queue while it is still queued. */
async function readQueues(
  resources: RunServiceResources,
  runs: readonly Run[],
): Promise<Map<string, { readonly run: Run; readonly queue: RunQueue | undefined }>> {
  const queuedByTenant = new Map<string, string[]>();
  for (const run of runs) {
    if (run.status === 'queued')
      queuedByTenant.set(run.tenantId, [...(queuedByTenant.get(run.tenantId) ?? []), run.id]);
  }
  const current = new Map<string, { run: Run; queue: RunQueue | undefined }>();
  for (const [tenantId, runIds] of queuedByTenant) {
    const state = await readAdmissionState(resources.db, tenantId, resources.limits);
    // Last, so that the answer is as fresh as the read that ends the request.
    for (const row of await readQueuedRows(resources, tenantId, runIds)) {
      const run = toRun(row);
      current.set(run.id, { run, queue: run.status === 'queued' ? queueOf(row, state) : undefined });
    }
  }
  return current;
}

/**
 * The runs, each `queued` one with its `queue`: its position in its tenant's queue and the
 * limit that holds it. Read at the moment of asking (positions move as other runs end), so
 * never cached with the run; a queued run is answered as stored at the end of this read, so
 * one that started meanwhile is answered started, not queued. Costs nothing when no run is
 * queued.
 */
export async function describeQueue(resources: RunServiceResources, runs: readonly Run[]): Promise<Run[]> {
  const current = await readQueues(resources, runs);
  return runs.map((run) => {
    const now = current.get(run.id);
    if (!now) return run;
    return now.queue ? { ...now.run, queue: now.queue } : now.run;
  });
}

/**
 * A run just created, as written (`queued`: the answer of a create), with its `queue`: where
 * it stands, or `starting` if its workflow has already taken it further.
 */
export async function describeCreatedRun(resources: RunServiceResources, run: Run): Promise<Run> {
  if (run.status !== 'queued') return run;
  const now = (await readQueues(resources, [run])).get(run.id);
  return { ...run, queue: now?.queue ?? { position: 0, reason: 'starting', limit: null } };
}
