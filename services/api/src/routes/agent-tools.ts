import {
  builtinToolInterfaces,
  toolInputJsonSchema,
  agentToolSchema,
  declaredToolsOf,
  decodeNumberCursor,
  getAgentVersion,
  getAgentVersionMcpTools,
  listMcpToolsOnWorker,
  pageSchema,
  toPage,
  AppError,
  type AgentSpec,
  type AgentTool,
  type Config,
  type ListedMcpTool,
} from '@agent-runtime/core';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { existingId, pageQuery, pathId, problemResponses, versionParam } from '../http/schemas.ts';

/**
 * Lists the tools of a spec's MCP servers, for storing with the new version; rejects the
 * spec (422, each problem at its path) when a server cannot be reached within its
 * `timeoutSeconds`, may not be started (`AR_MCP_STDIO_COMMANDS`), does not list a tool the
 * spec enables, or lists it with an unusable input schema. A worker lists them, never this
 * process (see `listMcpToolsOnWorker`): without one, the answer is 503 `dependency_unavailable`.
 */
export async function listVersionMcpTools(
  temporal: Client,
  config: Config,
  tenantId: string,
  spec: AgentSpec,
): Promise<ListedMcpTool[]> {
  if (spec.mcpServers.length === 0) return [];
  const { tools, problems } = await listMcpToolsOnWorker(temporal, config.TEMPORAL_TASK_QUEUE, {
    tenantId,
    spec: { tools: spec.tools, mcpServers: spec.mcpServers },
  });
  if (problems.length === 0) return tools;
  throw new AppError('validation_failed', `the spec's MCP tools are not usable: ${problems[0]?.message ?? ''}`, {
    errors: problems.map((problem) => ({
      path: ['body', 'spec', ...problem.path].join('.'),
      message: problem.message,
    })),
  });
}

/** Every tool a version may call, in spec order, with the input schema its calls are checked against. */
function toolsOf(spec: AgentSpec, mcpTools: readonly ListedMcpTool[]): AgentTool[] {
  return declaredToolsOf(spec).map((declaration) => {
    const policy = {
      requiresApproval: declaration.requiresApproval,
      // A callback's expiry follows its onTimeout; nothing else of it can fail.
      onError: declaration.kind === 'callback' ? ('return' as const) : declaration.onError,
      timeoutSeconds: declaration.timeoutSeconds,
    };
    if (declaration.kind === 'http' || declaration.kind === 'callback') {
      const { name, kind, description, input } = declaration;
      return { name, kind, description, inputSchema: input, ...policy };
    }
    if (declaration.kind === 'builtin') {
      const { description, input } = builtinToolInterfaces[declaration.name];
      return {
        name: declaration.name,
        kind: 'builtin',
        description,
        inputSchema: toolInputJsonSchema(input),
        ...policy,
      };
    }
    const listed = mcpTools.find((tool) => tool.name === declaration.name);
    return {
      name: declaration.name,
      kind: 'mcp',
      description: listed?.description ?? '',
      inputSchema: listed?.inputSchema ?? {},
      ...policy,
    };
  });
}

/** `GET /v1/agents/{agentId}/versions/{version}/tools`: the tools of a version. */
export function registerAgentToolRoutes(app: ApiInstance, { db }: ApiDependencies): void {
  app.get(
    '/v1/agents/:agentId/versions/:version/tools',
    {
      config: { access: 'read' },
      schema: {
        tags: ['agents'],
        description:
          'The tools the version may call (builtin, HTTP and MCP), in spec order, each with the JSON Schema ' +
          'its inputs are validated against; MCP tools as their servers listed them when the version was created.',
        params: z.strictObject({ agentId: pathId, version: versionParam }),
        querystring: z.strictObject(pageQuery),
        response: { 200: pageSchema(agentToolSchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const agentId = existingId('agent', request.params.agentId);
      const { spec } = await getAgentVersion(db, tenantId, agentId, request.params.version);
      const tools = toolsOf(spec, await getAgentVersionMcpTools(db, tenantId, agentId, request.params.version));
      // The cursor is the position of the last tool seen: versions never change, so it stays valid.
      const after = request.query.cursor === undefined ? 0 : decodeNumberCursor(request.query.cursor);
      const rows = tools
        .map((tool, index) => ({ tool, position: index + 1 }))
        .slice(after, after + request.query.limit + 1);
      return toPage(
        rows,
        request.query.limit,
        (row) => row.tool,
        (row) => row.position,
      );
    },
  );
}
