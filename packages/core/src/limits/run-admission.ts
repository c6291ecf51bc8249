import { sql, type Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/in-transaction.ts';

/**
 * Statuses of an admitted run that uses a worker, and so holds one of its tenant's slots. A
 * `waiting` run (parked on an approval) uses none: it counts against the waiting cap instead.
 */
const slotStatuses = ['queued', 'running'] as const;

/** Every status of an admitted, unfinished run: what the partial index `runs_admitted_active_idx` covers. */
const admittedStatuses = ['queued', 'running', 'waiting'] as const;

/**
 * True for queued run `q` while an earlier run of its thread has not ended: a thread's runs
 * run one at a time, in the order they were created (docs/threads.md, double texting).
 */
export const heldByThread = sql<boolean>`q.thread_id is not null and exists (
  select 1 from runs o
  where o.thread_id = q.thread_id and o.id <> q.id and o.status in ('queued', 'running', 'waiting')
    and (o.admitted_at is not null or (o.created_at, o.id) < (q.created_at, q.id)))`;

/** Runs admitted per call at most when the tenant has no limit. */
const unlimitedBatch = 1_000;

/** The limits admission holds a tenant to. */
export interface AdmissionLimits {
  /**
   * Runs using workers at once (admitted and queued, or running) of tenants without their
   * own limit (`AR_TENANT_MAX_CONCURRENT_RUNS`); 0: unlimited.
   */
  readonly defaultMaxConcurrentRuns: number;
  /**
   * Runs `waiting` at once from which admission of the tenant's new runs pauses
   * (`AR_TENANT_MAX_WAITING_RUNS`); 0: unlimited. @default 0
   */
  readonly maxWaitingRuns?: number | undefined;
}

/** Which limit keeps a tenant from admitting more runs right now. */
export type AdmissionHold = 'concurrent_runs' | 'waiting_runs';

/** A tenant's admission state: its limits, what counts against them, and what is free. */
export interface AdmissionState {
  /** The tenant's concurrent-run limit (its own, else the default); 0: unlimited. */
  readonly maxConcurrentRuns: number;
  /** The waiting cap; 0: unlimited. */
  readonly maxWaitingRuns: number;
  /** Admitted runs using workers: queued (their workflows starting) or running. */
  readonly occupied: number;
  /** Runs waiting for an approval. */
  readonly waiting: number;
  /** Runs that may be admitted now; undefined: as many as there are. */
  readonly free: number | undefined;
  /** Why nothing may be admitted, when `free` is 0. */
  readonly hold: AdmissionHold | undefined;
}

/**
 * Serialises admission for one tenant across every API instance and worker until the
 * transaction ends (works on PGlite too, where there is only one connection anyway).
 */
async function lockTenantAdmission(trx: Kysely<Database>, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ar:run-admission:${tenantId}`}, 0))`.execute(trx);
}

/**
 * The tenant's admitted, unfinished runs (those using a worker, and those waiting; one index
 * scan) and its own concurrent-run limit, if it has one, in one round trip.
 */
async function countAdmittedRuns(db: Kysely<Database>, tenantId: string) {
  const row = await db
    .selectFrom('runs')
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere('status', 'in', slotStatuses).as('occupied'),
      eb.fn.countAll<string>().filterWhere('status', '=', 'waiting').as('waiting'),
      eb
        .selectFrom('tenants')
        .select('max_concurrent_runs')
        .where('id', '=', tenantId)
        .as('tenant_max_concurrent_runs'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', admittedStatuses)
    .where('admitted_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return {
    occupied: Number(row.occupied),
    waiting: Number(row.waiting),
    tenantMaxConcurrentRuns: row.tenant_max_concurrent_runs,
  };
}

/**
 * The tenant's admission state as stored now. Under the tenant's admission lock it is exact;
 * outside (to explain a queued run) it is a snapshot.
 */
export async function readAdmissionState(
  db: Kysely<Database>,
  tenantId: string,
  limits: AdmissionLimits,
): Promise<AdmissionState> {
  const { occupied, waiting, tenantMaxConcurrentRuns } = await countAdmittedRuns(db, tenantId);
  // The tenant's own limit, else the default; 0 means unlimited.
  const maxConcurrentRuns = tenantMaxConcurrentRuns ?? limits.defaultMaxConcurrentRuns;
  const maxWaitingRuns = limits.maxWaitingRuns ?? 0;
  const counts = { maxConcurrentRuns, maxWaitingRuns, occupied, waiting };
  // The waiting cap comes first: while it holds, no slot is handed out, however many are free.
  if (maxWaitingRuns > 0 && waiting >= maxWaitingRuns) return { ...counts, free: 0, hold: 'waiting_runs' };
  if (maxConcurrentRuns === 0) return { ...counts, free: undefined, hold: undefined };
  // A resumed run may take the tenant over its limit (it keeps its right to run): nothing is free then.
  const free = Math.max(0, maxConcurrentRuns - occupied);
  return { ...counts, free, hold: free === 0 ? 'concurrent_runs' : undefined };
}

/**
 * Gives the tenant's oldest runs still to be admitted (`queued`, `admitted_at` null) the
 * slots that are free under its concurrent-run limit, first come first served (by
 * `created_at`, the database's clock, then id), skipping a thread's run while an earlier run
 * of its thread has not ended, unless the tenant has as many runs waiting
 * as the waiting cap: then admission pauses. Answers the ids it admitted, oldest first: the
 * caller starts their workflows. Slots are counted from run states, so a run that ends or
 * starts waiting frees its slot whatever crashed; call this whenever a run of the tenant may
 * have ended, started or stopped waiting, or been queued.
 */
export async function admitQueuedRuns(
  db: Kysely<Database>,
  tenantId: string,
  limits: AdmissionLimits,
): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    await lockTenantAdmission(trx, tenantId);
    const { free } = await readAdmissionState(trx, tenantId, limits);
    if (free === 0) return [];
    const admitted = await trx
      .updateTable('runs')
      .set({ admitted_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where(
        'id',
        'in',
        trx
          .selectFrom('runs as q')
          .select('q.id')
          .where('q.tenant_id', '=', tenantId)
          .where('q.status', '=', 'queued')
          .where('q.admitted_at', 'is', null)
          .where(sql<boolean>`not (${heldByThread})`)
          .orderBy('q.created_at')
          .orderBy('q.id')
          .limit(free ?? unlimitedBatch),
      )
      .returning(['id', 'created_at'])
      .execute();
    return admitted
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id))
      .map((row) => row.id);
  });
}

/**
 * Runs `insert` (which writes one run) only if the tenant may admit a run now, in the same
 * transaction as the count and under the tenant's admission lock, so concurrent requests on
 * any number of API instances can never overfill it. Over the concurrent-run limit, or at the
 * waiting cap: 429 `rate_limited`. The written run must be admitted (`admitted_at` set) by
 * `insert`.
 */
export async function insertRunIfSlotFree<T>(
  db: Kysely<Database>,
  tenantId: string,
  limits: AdmissionLimits,
  insert: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    await lockTenantAdmission(trx, tenantId);
    const state = await readAdmissionState(trx, tenantId, limits);
    if (state.hold === 'waiting_runs') {
      throw new AppError(
        'rate_limited',
        `the tenant already has ${state.waiting} runs waiting for approvals, its limit is ${state.maxWaitingRuns}`,
        { maxWaitingRuns: state.maxWaitingRuns, retryAfterSeconds: 5 },
      );
    }
    if (state.free === 0) {
      throw new AppError(
        'rate_limited',
        `the tenant already has ${state.maxConcurrentRuns} runs in progress, its limit`,
        {
          maxConcurrentRuns: state.maxConcurrentRuns,
          retryAfterSeconds: 5,
        },
      );
    }
    return insert(trx);
  });
}

/** Ids of the tenant's admitted runs still `queued` (their workflows may not have started yet), oldest first. */
export async function listAdmittedQueuedRunIds(
  db: Kysely<Database>,
  tenantId: string | undefined,
  limit: number,
): Promise<string[]> {
  let query = db
    .selectFrom('runs')
    .select('id')
    .where('status', '=', 'queued')
    .where('admitted_at', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit);
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  return (await query.execute()).map((row) => row.id);
}

/** Tenants that have runs waiting for admission: the reconciler admits for each. */
export async function listTenantsWithQueuedRuns(db: Kysely<Database>, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('runs')
    .select('tenant_id')
    .distinct()
    .where('status', '=', 'queued')
    .where('admitted_at', 'is', null)
    .limit(limit)
    .execute();
  return rows.map((row) => row.tenant_id);
}
