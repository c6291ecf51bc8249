import type { Kysely } from 'kysely';
import type { Tenant } from '../../domain/resources.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import { sqlStateOf, sqlStates } from '../pg-errors.ts';
import type { Database, TenantRow } from '../schema.ts';

function toTenant(row: TenantRow): Tenant {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}

/** Creates a tenant; a taken name is a conflict. */
export async function createTenant(db: Kysely<Database>, name: string): Promise<Tenant> {
  try {
    const row = await db.insertInto('tenants').values({ id: newId(), name }).returningAll().executeTakeFirstOrThrow();
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
