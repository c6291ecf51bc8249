import type { Kysely } from 'kysely';
import { contentHash } from '../../canonical-json.ts';
import type { AgentSpec } from '../../domain/agent-spec.ts';
import type { ListedMcpTool } from '../../domain/agent-tool.ts';
import type { AgentVersion } from '../../domain/resources.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { inTransaction } from '../in-transaction.ts';
import { decodeNumberCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { AgentVersionRow, Database } from '../schema.ts';

function toAgentVersion(row: AgentVersionRow): AgentVersion {
  return {
    agentId: row.agent_id,
    tenantId: row.tenant_id,
    version: row.version,
    spec: row.spec as AgentSpec,
    specHash: row.spec_hash,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Appends the next version (latest + 1) of an agent, with the tools its MCP servers listed
 * (`mcpTools`, stored in the same insert: versions are never updated). The agent row is
 * locked for the numbering, so concurrent creations get consecutive numbers instead of
 * colliding. Joins the caller's transaction when given one.
 */
export async function createAgentVersion(
  db: Kysely<Database>,
  tenantId: string,
  agentId: string,
  spec: AgentSpec,
  mcpTools: readonly ListedMcpTool[] = [],
): Promise<AgentVersion> {
  return inTransaction(db, async (trx) => {
    const agent = await trx
      .selectFrom('agents')
      .select(['latest_version', 'archived_at'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', agentId)
      .forUpdate()
      .executeTakeFirst();
    if (!agent) throw new NotFoundError('agent', agentId);
    if (agent.archived_at) throw new AppError('agent_archived', `agent ${agentId} is archived`, { agentId });
    const version = (agent.latest_version ?? 0) + 1;
    const row = await trx
      .insertInto('agent_versions')
      .values({
        agent_id: agentId,
        tenant_id: tenantId,
        version,
        spec: JSON.stringify(spec),
        spec_hash: contentHash(spec),
        mcp_tools: JSON.stringify(mcpTools),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('agents')
      .set({ latest_version: version, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', agentId)
      .execute();
    return toAgentVersion(row);
  });
}

/** One version of the tenant's agent, or a not-found error. */
export async function getAgentVersion(
  db: Kysely<Database>,
  tenantId: string,
  agentId: string,
  version: number,
): Promise<AgentVersion> {
  const row = await db
    .selectFrom('agent_versions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('agent_id', '=', agentId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('agent version', `${agentId}/${version}`);
  return toAgentVersion(row);
}

/**
 * The MCP tools a version's servers listed when it was created (empty for a version without
 * MCP servers), or a not-found error.
 */
export async function getAgentVersionMcpTools(
  db: Kysely<Database>,
  tenantId: string,
  agentId: string,
  version: number,
): Promise<ListedMcpTool[]> {
  const row = await db
    .selectFrom('agent_versions')
    .select('mcp_tools')
    .where('tenant_id', '=', tenantId)
    .where('agent_id', '=', agentId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('agent version', `${agentId}/${version}`);
  return row.mcp_tools as ListedMcpTool[];
}

/** Versions of an agent, newest first. The cursor is the last version number seen. */
export async function listAgentVersions(
  db: Kysely<Database>,
  tenantId: string,
  agentId: string,
  page: PageRequest,
): Promise<Page<AgentVersion>> {
  let query = db
    .selectFrom('agent_versions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('agent_id', '=', agentId)
    .orderBy('version', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) query = query.where('version', '<', decodeNumberCursor(page.cursor));
  return toPage(await query.execute(), page.limit, toAgentVersion, (row) => row.version);
}
