import {
  AppError,
  archiveAgent,
  createAgent,
  createAgentVersion,
  getAgentByName,
  listAgents,
  listAgentVersions,
  recordAuditEvent,
  updateAgent,
  type AgentSpec,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { RunRouteDependencies } from '../../app-types.ts';
import { auditedBy } from '../../http/audit.ts';
import type { LangGraphScope } from './register-langgraph-routes.ts';
import { assistantOf, assistantVersionOf, graphIdOf } from './langgraph-shapes.ts';
import { resolveAssistant, withLatestVersion } from './resolve-assistant.ts';

const assistantParams = z.strictObject({ assistant_id: z.string().min(1).max(200) });

const agentName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9][a-z0-9-_.]*$/i, 'letters, digits, -, _ and .');

const newAssistant = z.looseObject({
  graph_id: z.string().min(1).max(200),
  assistant_id: z.string().max(200).optional(),
  name: agentName.optional(),
  description: z.string().max(2000).nullish(),
  if_exists: z.enum(['raise', 'do_nothing']).default('raise'),
});

const assistantSearch = z.looseObject({
  graph_id: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).max(100_000).default(0),
});

/** The spec of an assistant made from a graph id: the LangGraph graph of that name. */
function graphSpecOf(graphId: string): AgentSpec {
  return {
    runtime: 'builtin',
    agent: { kind: 'langgraph', graph: graphId },
    tools: [],
    mcpServers: [],
    approvals: { onTimeout: 'reject' },
    limits: { maxSteps: 25, modelStepTimeoutSeconds: 300 },
  } as AgentSpec;
}

/**
 * Assistants are agents (assistant id = agent id; version = agent version). A new assistant
 * is a LangGraph agent of its `graph_id`, named `name` (else the graph id).
 */
export function registerLangGraphAssistantRoutes(scope: LangGraphScope, { db }: RunRouteDependencies): void {
  const read = { access: 'read' as const, apiKeyHeader: true };
  const write = { access: 'write' as const, apiKeyHeader: true };

  scope.post('/assistants', { config: write, schema: { hide: true, body: newAssistant } }, async (request) => {
    const { principal } = request;
    const name = request.body.name ?? request.body.graph_id;
    const existing = await getAgentByName(db, principal.tenantId, name).catch(() => undefined);
    if (existing) {
      if (request.body.if_exists === 'do_nothing') {
        const found = await withLatestVersion(db, existing);
        return assistantOf(found.agent, found.version);
      }
      throw new AppError('conflict', `an assistant named ${name} exists`, { name });
    }
    const agent = await createAgent(db, principal.tenantId, {
      name,
      description: request.body.description ?? undefined,
    });
    const version = await createAgentVersion(db, principal.tenantId, agent.id, graphSpecOf(request.body.graph_id));
    await recordAuditEvent(db, {
      ...auditedBy(request),
      action: 'agent.created',
      target: { type: 'agent', id: agent.id },
    });
    return assistantOf({ ...agent, latestVersion: version.version }, version);
  });

  scope.post('/assistants/search', { config: read, schema: { hide: true, body: assistantSearch } }, async (request) => {
    const { graph_id: graphId, name, limit, offset } = request.body;
    const found = [];
    let cursor: string | undefined;
    do {
      const page = await listAgents(db, request.principal.tenantId, { limit: 100, cursor });
      for (const agent of page.items) {
        const resolved = await withLatestVersion(db, agent);
        if (graphId !== undefined && graphIdOf(agent, resolved.version) !== graphId) continue;
        if (name !== undefined && !agent.name.includes(name)) continue;
        found.push(assistantOf(agent, resolved.version));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor && found.length < offset + limit);
    return found.slice(offset, offset + limit);
  });

  scope.post(
    '/assistants/count',
    { config: read, schema: { hide: true, body: assistantSearch.partial() } },
    async (request) => {
      let count = 0;
      let cursor: string | undefined;
      do {
        const page = await listAgents(db, request.principal.tenantId, { limit: 100, cursor });
        for (const agent of page.items) {
          const resolved = await withLatestVersion(db, agent);
          if (request.body.graph_id !== undefined && graphIdOf(agent, resolved.version) !== request.body.graph_id)
            continue;
          count += 1;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return count;
    },
  );

  scope.get(
    '/assistants/:assistant_id',
    { config: read, schema: { hide: true, params: assistantParams } },
    async (request) => {
      const { agent, version } = await resolveAssistant(db, request.principal.tenantId, request.params.assistant_id);
      return assistantOf(agent, version);
    },
  );

  scope.patch(
    '/assistants/:assistant_id',
    {
      config: write,
      schema: {
        hide: true,
        params: assistantParams,
        body: z.looseObject({
          graph_id: z.string().min(1).max(200).optional(),
          name: agentName.optional(),
          description: z.string().max(2000).nullish(),
        }),
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const { agent } = await resolveAssistant(db, tenantId, request.params.assistant_id);
      const { name, description, graph_id: graphId } = request.body;
      const renamed =
        name !== undefined || description !== undefined
          ? await updateAgent(db, tenantId, agent.id, { name, description })
          : agent;
      if (graphId !== undefined) await createAgentVersion(db, tenantId, agent.id, graphSpecOf(graphId));
      await recordAuditEvent(db, {
        ...auditedBy(request),
        action: 'agent.updated',
        target: { type: 'agent', id: agent.id },
      });
      const updated = await resolveAssistant(db, tenantId, renamed.id);
      return assistantOf(updated.agent, updated.version);
    },
  );

  scope.delete(
    '/assistants/:assistant_id',
    { config: write, schema: { hide: true, params: assistantParams } },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { agent } = await resolveAssistant(db, tenantId, request.params.assistant_id);
      await archiveAgent(db, tenantId, agent.id);
      await recordAuditEvent(db, {
        ...auditedBy(request),
        action: 'agent.archived',
        target: { type: 'agent', id: agent.id },
      });
      return reply.status(204).send();
    },
  );

  scope.post(
    '/assistants/:assistant_id/versions',
    {
      config: read,
      schema: {
        hide: true,
        params: assistantParams,
        body: z
          .looseObject({
            limit: z.number().int().min(1).max(100).default(10),
            offset: z.number().int().min(0).max(100_000).default(0),
          })
          .default({ limit: 10, offset: 0 }),
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const { agent } = await resolveAssistant(db, tenantId, request.params.assistant_id);
      const { limit, offset } = request.body;
      const versions = [];
      let cursor: string | undefined;
      do {
        const page = await listAgentVersions(db, tenantId, agent.id, { limit: 100, cursor });
        versions.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && versions.length < offset + limit);
      return versions.slice(offset, offset + limit).map((version) => assistantVersionOf(agent, version));
    },
  );
}
