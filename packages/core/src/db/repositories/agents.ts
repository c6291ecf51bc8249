import type { Kysely } from 'kysely';
import type { Agent } from '../../domain/resources.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import { sqlStateOf, sqlStates } from '../pg-errors.ts';
import type { AgentRow, Database } from '../schema.ts';

function toAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    latestVersion: row.latest_version,
    archivedAt: row.archived_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function nameTaken(error: unknown, name: string): never {
  if (sqlStateOf(error) === sqlStates.uniqueViolation) {
    throw new AppError('conflict', `an agent named "${name}" already exists`, { name });
  }
  throw error;
}

/** Creates an agent with no versions yet. */
export async function createAgent(
  db: Kysely<Database>,
  tenantId: string,
  fields: { name: string; description?: string | undefined },
): Promise<Agent> {
  const row = await db
    .insertInto('agents')
    .values({
      id: newId(),
      tenant_id: tenantId,
      name: fields.name,
      description: fields.description ?? null,
      updated_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => nameTaken(error, fields.name));
  return toAgent(row);
}

/** The tenant's agent with this id (archived ones included), or a not-found error. */
export async function getAgent(db: Kysely<Database>, tenantId: string, agentId: string): Promise<Agent> {
  const row = await db
    .selectFrom('agents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', agentId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('agent', agentId);
  return toAgent(row);
}

/**
 * The tenant's agent with this name (archived ones included), or a not-found error: names are
 * unique per tenant, so protocol endpoints name agents by them.
 */
export async function getAgentByName(db: Kysely<Database>, tenantId: string, name: string): Promise<Agent> {
  const row = await db
    .selectFrom('agents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('agent', name);
  return toAgent(row);
}

/** The tenant's agents, newest first; archived agents only when asked for. */
export async function listAgents(
  db: Kysely<Database>,
  tenantId: string,
  page: PageRequest & { includeArchived?: boolean | undefined },
): Promise<Page<Agent>> {
  let query = db
    .selectFrom('agents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (!page.includeArchived) query = query.where('archived_at', 'is', null);
  if (page.cursor) query = query.where('id', '<', decodeCursor(page.cursor));
  return toPage(await query.execute(), page.limit, toAgent);
}

/** Renames or redescribes an agent. */
export async function updateAgent(
  db: Kysely<Database>,
  tenantId: string,
  agentId: string,
  fields: { name?: string | undefined; description?: string | null | undefined },
): Promise<Agent> {
  const row = await db
    .updateTable('agents')
    .set({
      ...(fields.name === undefined ? {} : { name: fields.name }),
      ...(fields.description === undefined ? {} : { description: fields.description }),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', agentId)
    .returningAll()
    .executeTakeFirst()
    .catch((error: unknown) => nameTaken(error, fields.name ?? ''));
  if (!row) throw new NotFoundError('agent', agentId);
  return toAgent(row);
}

/** Archives an agent: it keeps its versions and runs, but takes no new runs. Idempotent. */
export async function archiveAgent(db: Kysely<Database>, tenantId: string, agentId: string): Promise<Agent> {
  const now = new Date();
  const row = await db
    .updateTable('agents')
    .set((eb) => ({ archived_at: eb.fn.coalesce('archived_at', eb.val(now)), updated_at: now }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', agentId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('agent', agentId);
  return toAgent(row);
}
