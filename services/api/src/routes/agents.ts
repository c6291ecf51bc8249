import {
  agentSchema,
  agentSpecSchema,
  agentVersionSchema,
  archiveAgent,
  createAgent,
  createAgentVersion,
  getAgent,
  getAgentVersion,
  listAgents,
  listAgentVersions,
  missingSecretNames,
  pageSchema,
  recordAuditEvent,
  secretReferencesOf,
  updateAgent,
  AppError,
  type AgentSpec,
  type Database,
} from '@agent-runtime/core';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, pageQuery, pathId, problemResponses, versionParam } from '../http/schemas.ts';
import { listVersionMcpTools } from './agent-tools.ts';

const agentName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, ".", "_" and "-"; at most 63 characters');
const description = z.string().max(2000);
const agentParams = z.strictObject({ agentId: pathId });

// Spelled out (and case-sensitive) so that the document lists exactly the values accepted.
const truthyFlags = ['true', '1', 'yes', 'on', 'y', 'enabled'];
const falsyFlags = ['false', '0', 'no', 'off', 'n', 'disabled'];

/**
 * Rejects a spec naming secrets the tenant does not have (422, each reference with its
 * path), so a typo fails at version creation rather than in the middle of a run.
 */
async function assertSecretsExist(db: Kysely<Database>, tenantId: string, spec: AgentSpec): Promise<void> {
  const references = secretReferencesOf(spec);
  const missing = new Set(
    await missingSecretNames(
      db,
      tenantId,
      references.map((reference) => reference.name),
    ),
  );
  if (missing.size === 0) return;
  throw new AppError(
    'validation_failed',
    `the spec names secrets this tenant does not have: ${[...missing].join(', ')}`,
    {
      missingSecrets: [...missing],
      errors: references
        .filter((reference) => missing.has(reference.name))
        .map((reference) => ({
          path: ['body', 'spec', ...reference.path].join('.'),
          message: `secret "${reference.name}" does not exist (create it with POST /v1/secrets)`,
        })),
    },
  );
}

/** Agents and their immutable versions, scoped to the caller's tenant. */
export function registerAgentRoutes(app: ApiInstance, { db, config, temporal }: ApiDependencies): void {
  const read = { access: 'read' as const };
  const write = { access: 'write' as const };
  const tags = ['agents'];

  app.post(
    '/v1/agents',
    {
      config: write,
      schema: {
        tags,
        body: z.strictObject({ name: agentName, description: description.optional() }),
        response: { 201: agentSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const agent = await db.transaction().execute(async (trx) => {
        const created = await createAgent(trx, request.principal.tenantId, request.body);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'agent.created',
          target: { type: 'agent', id: created.id },
          details: { name: created.name },
        });
        return created;
      });
      return reply.status(201).send(agent);
    },
  );

  app.get(
    '/v1/agents',
    {
      config: read,
      schema: {
        tags,
        querystring: z.strictObject({
          ...pageQuery,
          includeArchived: z
            .stringbool({ truthy: truthyFlags, falsy: falsyFlags, case: 'sensitive' })
            .meta({ enum: [...truthyFlags, ...falsyFlags] })
            .default(false),
        }),
        response: { 200: pageSchema(agentSchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => listAgents(db, request.principal.tenantId, request.query),
  );

  app.get(
    '/v1/agents/:agentId',
    {
      config: read,
      schema: { tags, params: agentParams, response: { 200: agentSchema, ...problemResponses(401, 403, 404) } },
    },
    async (request) => getAgent(db, request.principal.tenantId, existingId('agent', request.params.agentId)),
  );

  app.patch(
    '/v1/agents/:agentId',
    {
      config: write,
      schema: {
        tags,
        params: agentParams,
        body: z
          .strictObject({ name: agentName.optional(), description: description.nullable().optional() })
          .refine((body) => Object.keys(body).length > 0, 'give at least one of name, description')
          .meta({ minProperties: 1 }),
        response: { 200: agentSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => {
      const agentId = existingId('agent', request.params.agentId);
      return db.transaction().execute(async (trx) => {
        const agent = await updateAgent(trx, request.principal.tenantId, agentId, request.body);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'agent.updated',
          target: { type: 'agent', id: agent.id },
          details: { changed: Object.keys(request.body) },
        });
        return agent;
      });
    },
  );

  app.delete(
    '/v1/agents/:agentId',
    {
      config: write,
      schema: {
        tags,
        description: 'Archives the agent: its versions and runs stay; it takes no new runs or versions.',
        params: agentParams,
        response: { 200: agentSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const agentId = existingId('agent', request.params.agentId);
      return db.transaction().execute(async (trx) => {
        const agent = await archiveAgent(trx, request.principal.tenantId, agentId);
        // Archiving is idempotent; only the call that archived it is an event. That call set
        // archivedAt and updatedAt to the same instant; a repeat leaves archivedAt older.
        if (agent.archivedAt === agent.updatedAt) {
          await recordAuditEvent(trx, {
            ...auditedBy(request),
            action: 'agent.archived',
            target: { type: 'agent', id: agent.id },
            details: { name: agent.name },
          });
        }
        return agent;
      });
    },
  );

  app.post(
    '/v1/agents/:agentId/versions',
    {
      config: write,
      schema: {
        tags,
        description:
          'Appends an immutable version (numbered latest + 1). Its MCP servers are connected to and their ' +
          'tools listed first, by a worker: a server that cannot be reached, or a tool it does not list or lists ' +
          'with an invalid input schema, answers 422; no worker to list them answers 503.',
        params: agentParams,
        body: z.strictObject({ spec: agentSpecSchema }),
        response: { 201: agentVersionSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const agentId = existingId('agent', request.params.agentId);
      await assertSecretsExist(db, request.principal.tenantId, request.body.spec);
      const mcpTools = await listVersionMcpTools(temporal, config, request.principal.tenantId, request.body.spec);
      const version = await db.transaction().execute(async (trx) => {
        const created = await createAgentVersion(trx, request.principal.tenantId, agentId, request.body.spec, mcpTools);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'agent_version.created',
          target: { type: 'agent', id: agentId },
          details: { version: created.version, specHash: created.specHash },
        });
        return created;
      });
      return reply.status(201).send(version);
    },
  );

  app.get(
    '/v1/agents/:agentId/versions',
    {
      config: read,
      schema: {
        tags,
        params: agentParams,
        querystring: z.strictObject(pageQuery),
        response: { 200: pageSchema(agentVersionSchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const agent = await getAgent(db, request.principal.tenantId, existingId('agent', request.params.agentId));
      return listAgentVersions(db, request.principal.tenantId, agent.id, request.query);
    },
  );

  app.get(
    '/v1/agents/:agentId/versions/:version',
    {
      config: read,
      schema: {
        tags,
        params: z.strictObject({ agentId: pathId, version: versionParam }),
        response: { 200: agentVersionSchema, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) =>
      getAgentVersion(
        db,
        request.principal.tenantId,
        existingId('agent', request.params.agentId),
        request.params.version,
      ),
  );
}
