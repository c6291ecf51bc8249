import type { AgentSpec } from '../domain/agent-spec.ts';
import type { ListedMcpTool } from '../domain/agent-tool.ts';

/**
 * Workflow type that lists the tools of a spec's MCP servers on a worker, when a version is
 * created. The API never connects to an MCP server itself: a stdio server is a process of the
 * tenant's choosing, so it is started only where tools run, in a worker.
 */
export const mcpToolListingWorkflowType = 'listVersionMcpTools';

/** Pages of `tools/list` read from one server at most. */
export const maxMcpListPages = 20;

/** The part of a spec that listing its MCP tools reads: the servers and the tools it enables. */
export type McpToolListingSpec = Pick<AgentSpec, 'tools' | 'mcpServers'>;

/**
 * What starts a listing: the tenant whose secrets the servers' headers and environments name,
 * and the spec's MCP part. Secrets travel as references, never as values.
 */
export interface McpToolListingInput {
  readonly tenantId: string;
  readonly spec: McpToolListingSpec;
}

/** What is wrong with a spec's MCP part, at the path (under `spec`) of the declaration it concerns. */
export interface McpListingProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The enabled tools' definitions, to be stored with the version, and the problems found. */
export interface McpToolListing {
  readonly tools: ListedMcpTool[];
  readonly problems: McpListingProblem[];
}

/**
 * The longest a listing can take on a worker: each server is listed in parallel, its handshake
 * and each of its pages bounded by its `timeoutSeconds`, plus a little for the secrets and the
 * activity itself.
 */
export function mcpToolListingTimeoutMs(spec: McpToolListingSpec): number {
  const slowest = Math.max(0, ...spec.mcpServers.map((server) => server.transport.timeoutSeconds));
  return (1 + maxMcpListPages) * slowest * 1000 + 10_000;
}
