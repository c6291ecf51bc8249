import type { Kysely } from 'kysely';
import type { Tenant, TenantLimits } from '../../domain/resources.ts';
import type { TenantRetention } from '../../domain/retention.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import { sqlStateOf, sqlStates } from '../pg-errors.ts';
import type { Database, TenantRow } from '../schema.ts';

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    limits: {
      rateLimitPerMinute: row.rate_limit_per_minute,
      rateLimitBurst: row.rate_limit_burst,
      maxConcurrentRuns: row.max_concurrent_runs,
      monthlyCostUsd: row.monthly_cost_usd ?? null,
      monthlyTokens:
        row.monthly_tokens === null || row.monthly_tokens === undefined ? null : Number(row.monthly_tokens),
    },
    retention: {
      runsDays: row.retention_runs_days ?? null,
      threadsDays: row.retention_threads_days ?? null,
      artifactsDays: row.retention_artifacts_days ?? null,
      payloadsDays: row.retention_payloads_days ?? null,
    },
    createdAt: row.created_at.toISOString(),
  };
}

/** Limits to set: a field left out (or undefined) stays as it is; null means the default. */
export type TenantLimitsChange = { readonly [Field in keyof TenantLimits]?: TenantLimits[Field] | undefined };

/** The columns of the limits a change names. */
function limitColumns(limits: TenantLimitsChange) {
  return {
    ...(limits.rateLimitPerMinute === undefined ? {} : { rate_limit_per_minute: limits.rateLimitPerMinute }),
    ...(limits.rateLimitBurst === undefined ? {} : { rate_limit_burst: limits.rateLimitBurst }),
    ...(limits.maxConcurrentRuns === undefined ? {} : { max_concurrent_runs: limits.maxConcurrentRuns }),
    ...(limits.monthlyCostUsd === undefined ? {} : { monthly_cost_usd: limits.monthlyCostUsd }),
    ...(limits.monthlyTokens === undefined ? {} : { monthly_tokens: limits.monthlyTokens }),
  };
}

/** Retention settings to set: a field left out (or undefined) stays as it is; null means the default. */
export type TenantRetentionChange = {
  readonly [Field in keyof TenantRetention]?: TenantRetention[Field] | undefined;
};

/** The columns of the retention settings a change names. */
function retentionColumns(retention: TenantRetentionChange) {
  return {
    ...(retention.runsDays === undefined ? {} : { retention_runs_days: retention.runsDays }),
    ...(retention.threadsDays === undefined ? {} : { retention_threads_days: retention.threadsDays }),
    ...(retention.artifactsDays === undefined ? {} : { retention_artifacts_days: retention.artifactsDays }),
    ...(retention.payloadsDays === undefined ? {} : { retention_payloads_days: retention.payloadsDays }),
  };
}

/** Creates a tenant, with its own limits and retention where given; a taken name is a conflict. */
export async function createTenant(
  db: Kysely<Database>,
  name: string,
  limits: TenantLimitsChange = {},
  retention: TenantRetentionChange = {},
): Promise<Tenant> {
  try {
    const row = await db
      .insertInto('tenants')
      .values({ id: newId(), name, ...limitColumns(limits), ...retentionColumns(retention) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTenant(row);
  } catch (error) {
    if (sqlStateOf(error) === sqlStates.uniqueViolation) {
      throw new AppError('conflict', `a tenant named "${name}" already exists`, { name });
    }
    throw error;
  }
}

/** The tenant with this id, or a not-found error. */
export async function getTenant(db: Kysely<Database>, tenantId: string): Promise<Tenant> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
  if (!row) throw new NotFoundError('tenant', tenantId);
  return toTenant(row);
}

/** Changes the limits a tenant overrides (null: back to the default); others stay. */
export async function updateTenantLimits(
  db: Kysely<Database>,
  tenantId: string,
  limits: TenantLimitsChange,
): Promise<Tenant> {
  const columns = limitColumns(limits);
  if (Object.keys(columns).length === 0) return getTenant(db, tenantId);
  const row = await db.updateTable('tenants').set(columns).where('id', '=', tenantId).returningAll().executeTakeFirst();
  if (!row) throw new NotFoundError('tenant', tenantId);
  return toTenant(row);
}

/** Changes the retention settings a tenant overrides (null: back to the default); others stay. */
export async function updateTenantRetention(
  db: Kysely<Database>,
  tenantId: string,
  retention: TenantRetentionChange,
): Promise<Tenant> {
  const columns = retentionColumns(retention);
  if (Object.keys(columns).length === 0) return getTenant(db, tenantId);
  const row = await db.updateTable('tenants').set(columns).where('id', '=', tenantId).returningAll().executeTakeFirst();
  if (!row) throw new NotFoundError('tenant', tenantId);
  return toTenant(row);
}

/** The tenant with this name, if any. */
export async function findTenantByName(db: Kysely<Database>, name: string): Promise<Tenant | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toTenant(row);
}

/** Tenants, newest first. */
export async function listTenants(db: Kysely<Database>, page: PageRequest): Promise<Page<Tenant>> {
  let query = db
    .selectFrom('tenants')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) query = query.where('id', '<', decodeCursor(page.cursor));
  return toPage(await query.execute(), page.limit, toTenant);
}
