import {
  getAgentByName,
  getAgentVersion,
  jsonSchemaErrors,
  listAgents,
  type Agent,
  type AgentSpec,
  type Database,
  type JsonValue,
} from '@agent-runtime/core';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Kysely } from 'kysely';

/** Agents listed per `tools/list` page. */
const toolsPerPage = 100;

/** A tool's input schema, and whether the agent's input is its `input` argument (else all arguments). */
interface ToolInput {
  readonly schema: Record<string, unknown>;
  readonly wrapped: boolean;
}

/**
 * The MCP input schema of an agent: its declared `inputSchema` when that is an object schema
 * (the arguments are the run's input), else `{ input }` holding the declared schema, or a
 * string when none is declared (the run's input is the `input` argument).
 */
export function toolInputOf(spec: Pick<AgentSpec, 'inputSchema'>): ToolInput {
  const declared = spec.inputSchema;
  if (declared !== undefined && declared.type === 'object') return { schema: declared, wrapped: false };
  return {
    schema: {
      type: 'object',
      properties: { input: declared ?? { type: 'string', description: 'The message the agent runs on' } },
      required: ['input'],
      additionalProperties: false,
    },
    wrapped: true,
  };
}

/** The MCP tool an agent is: its name, its description, and its input schema. */
function toolOf(agent: Agent, spec: AgentSpec): Tool {
  return {
    name: agent.name,
    description: agent.description ?? `Runs the ${agent.name} agent (a durable run; see its progress in /v1/runs)`,
    inputSchema: toolInputOf(spec).schema as Tool['inputSchema'],
    annotations: { title: agent.name, openWorldHint: true },
  };
}

/** One page of a tenant's agents as MCP tools (agents without a version have nothing to run yet). */
export async function listAgentTools(
  db: Kysely<Database>,
  tenantId: string,
  cursor: string | undefined,
): Promise<{ tools: Tool[]; nextCursor?: string }> {
  const page = await listAgents(db, tenantId, { limit: toolsPerPage, cursor }).catch(() => {
    throw new McpError(ErrorCode.InvalidParams, 'the cursor is not one this server gave');
  });
  const tools: Tool[] = [];
  for (const agent of page.items) {
    if (agent.latestVersion === null) continue;
    const version = await getAgentVersion(db, tenantId, agent.id, agent.latestVersion);
    tools.push(toolOf(agent, version.spec));
  }
  return page.nextCursor === null ? { tools } : { tools, nextCursor: page.nextCursor };
}

/** The agent a tool call names, and the run input its arguments become (checked against the tool's schema). */
export async function resolveAgentToolCall(
  db: Kysely<Database>,
  tenantId: string,
  call: { readonly name: string; readonly arguments?: Record<string, unknown> | undefined },
): Promise<{ agent: Agent; input: JsonValue }> {
  const agent = await getAgentByName(db, tenantId, call.name).catch(() => undefined);
  if (!agent || agent.archivedAt !== null || agent.latestVersion === null) {
    throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${call.name}`);
  }
  const { spec } = await getAgentVersion(db, tenantId, agent.id, agent.latestVersion);
  const { schema, wrapped } = toolInputOf(spec);
  const args = call.arguments ?? {};
  const problems = jsonSchemaErrors(schema, args);
  if (problems.length > 0) {
    throw new McpError(ErrorCode.InvalidParams, `invalid arguments for tool ${call.name}: ${problems.join('; ')}`);
  }
  return { agent, input: (wrapped ? args.input : args) as JsonValue };
}
