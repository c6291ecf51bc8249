import {
  getAgent,
  getAgentByName,
  getAgentVersion,
  NotFoundError,
  type Agent,
  type AgentVersion,
  type Database,
} from '@agent-runtime/core';
import { sql, type Kysely } from 'kysely';

/** An agent with its latest version, as an assistant. */
export interface ResolvedAssistant {
  readonly agent: Agent;
  readonly version: AgentVersion | undefined;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant's agent with its latest version. */
export async function withLatestVersion(db: Kysely<Database>, agent: Agent): Promise<ResolvedAssistant> {
  const version =
    agent.latestVersion === null ? undefined : await getAgentVersion(db, agent.tenantId, agent.id, agent.latestVersion);
  return { agent, version };
}

/**
 * The assistant an id names in the caller's tenant: an agent id, an agent name, or (as
 * LangGraph clients name the default assistant of a graph) the graph id of a LangGraph agent,
 * the newest agent whose latest version runs that graph. Archived agents and other tenants'
 * answer not found.
 */
export async function resolveAssistant(
  db: Kysely<Database>,
  tenantId: string,
  assistantId: string,
): Promise<ResolvedAssistant> {
  const notFound = new NotFoundError('assistant', assistantId);
  let agent: Agent | undefined;
  if (uuidPattern.test(assistantId))
    agent = await getAgent(db, tenantId, assistantId.toLowerCase()).catch(() => undefined);
  agent ??= await getAgentByName(db, tenantId, assistantId).catch(() => undefined);
  if (!agent) {
    const row = await db
      .selectFrom('agents as a')
      .innerJoin('agent_versions as v', (join) =>
        join.onRef('v.agent_id', '=', 'a.id').onRef('v.version', '=', 'a.latest_version'),
      )
      .select('a.id')
      .where('a.tenant_id', '=', tenantId)
      .where('a.archived_at', 'is', null)
      .where(sql<boolean>`v.spec->'agent'->>'kind' = 'langgraph' and v.spec->'agent'->>'graph' = ${assistantId}`)
      .orderBy('a.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row) agent = await getAgent(db, tenantId, row.id);
  }
  if (!agent || agent.archivedAt !== null) throw notFound;
  return withLatestVersion(db, agent);
}
