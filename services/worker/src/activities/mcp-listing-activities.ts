import { listMcpTools } from '@agent-runtime/agents';
import type { McpToolListing, McpToolListingInput } from '@agent-runtime/core';
import { Context } from '@temporalio/activity';
import { secretSourceOf, type ActivityDependencies } from './activity-support.ts';

/**
 * The activity that lists a spec's MCP tools when a version is created (workflow
 * `listVersionMcpTools`). It runs here, not in the API, because a stdio server is a process
 * of the tenant's choosing: only workers, which start those servers to call their tools
 * anyway, start them, under the same `AR_MCP_STDIO_COMMANDS` allow-list.
 */
export function createMcpListingActivities(dependencies: ActivityDependencies) {
  const stdioCommands = dependencies.mcp?.stdioCommands ?? [];
  return {
    /**
     * Connects to each MCP server of the spec with the tenant's secrets, lists its tools and
     * checks the ones the spec enables: answers their definitions and the problems found.
     */
    async listMcpTools({ tenantId, spec }: McpToolListingInput): Promise<McpToolListing> {
      return listMcpTools(spec, {
        secrets: secretSourceOf(dependencies, tenantId),
        stdioCommands,
        signal: Context.current().cancellationSignal,
      });
    },
  };
}

/** The listing activity as its workflow sees it (types only). */
export type McpListingActivities = ReturnType<typeof createMcpListingActivities>;
