import { sql, type Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/in-transaction.ts';

/** Statuses of a run that holds a slot once admitted. */
const slotStatuses = ['queued', 'running', 'waiting'] as const;

/** Runs admitted per call at most when the tenant has no limit. */
const unlimitedBatch = 1_000;

/**
 * Serialises admission for one tenant across every API instance and worker until the
 * transaction ends (works on PGlite too, where there is only one connection anyway).
 */
async function lockTenantAdmission(trx: Kysely<Database>, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ar:run-admission:${tenantId}`}, 0))`.execute(trx);
}

/** The tenant's concurrent-run limit: its own, else `defaultMax`; 0 means unlimited. */
async function maxConcurrentRunsOf(trx: Kysely<Database>, tenantId: string, defaultMax: number): Promise<number> {
  const row = await trx
    .selectFrom('tenants')
    .select('max_concurrent_runs')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return row?.max_concurrent_runs ?? defaultMax;
}

/** Runs of the tenant holding a slot: admitted and not finished. */
async function countOccupiedSlots(trx: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await trx
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', slotStatuses)
    .where('admitted_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Free slots of the tenant right now (under its admission lock); undefined: unlimited. */
async function freeSlots(trx: Kysely<Database>, tenantId: string, defaultMax: number) {
  const max = await maxConcurrentRunsOf(trx, tenantId, defaultMax);
  if (max === 0) return { max, free: undefined };
  return { max, free: Math.max(0, max - (await countOccupiedSlots(trx, tenantId))) };
}

/**
 * Gives the tenant's oldest waiting runs (`queued`, not yet admitted) the slots that are free
 * under its concurrent-run limit, first come first served (by `created_at`, the database's
 * clock, then id). Answers the ids it admitted, oldest first: the caller starts their
 * workflows. Slots are counted from run states, so a run that ends frees its slot whatever
 * crashed; call this whenever a run of the tenant may have ended or been queued.
 *
 * @param defaultMax the limit of tenants without their own (`AR_TENANT_MAX_CONCURRENT_RUNS`); 0: unlimited.
 */
export async function admitQueuedRuns(db: Kysely<Database>, tenantId: string, defaultMax: number): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    await lockTenantAdmission(trx, tenantId);
    const { free } = await freeSlots(trx, tenantId, defaultMax);
    if (free === 0) return [];
    const admitted = await trx
      .updateTable('runs')
      .set({ admitted_at: new Date() })
      .where(
        'id',
        'in',
        trx
          .selectFrom('runs')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('status', '=', 'queued')
          .where('admitted_at', 'is', null)
          .orderBy('created_at')
          .orderBy('id')
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
 * Runs `insert` (which writes one run) only if the tenant has a free slot, in the same
 * transaction as the count and under the tenant's admission lock, so concurrent requests on
 * any number of API instances can never overfill it. Over the limit: 429 `rate_limited`.
 * The written run must be admitted (`admitted_at` set) by `insert`.
 */
export async function insertRunIfSlotFree<T>(
  db: Kysely<Database>,
  tenantId: string,
  defaultMax: number,
  insert: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    await lockTenantAdmission(trx, tenantId);
    const { max, free } = await freeSlots(trx, tenantId, defaultMax);
    if (free === 0) {
      throw new AppError('rate_limited', `the tenant already has ${max} runs in progress, its limit`, {
        maxConcurrentRuns: max,
        retryAfterSeconds: 5,
      });
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

/** Tenants that have runs waiting for a slot: the reconciler admits for each. */
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
