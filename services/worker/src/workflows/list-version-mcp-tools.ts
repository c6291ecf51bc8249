import {
  mcpToolListingTimeoutMs,
  type McpToolListing,
  type McpToolListingInput,
} from '@agent-runtime/core/mcp-tool-listing-contract';
import { proxyActivities } from '@temporalio/workflow';
import type { McpListingActivities } from '../activities/mcp-listing-activities.ts';

/**
 * Lists a spec's MCP tools on a worker for the API, which creates a version with them
 * (`listMcpToolsOnWorker`). One attempt: unreachable servers and missing tools are answers
 * (problems), not failures, and the API's caller can simply try again.
 */
export async function listVersionMcpTools(input: McpToolListingInput): Promise<McpToolListing> {
  const { listMcpTools } = proxyActivities<McpListingActivities>({
    startToCloseTimeout: mcpToolListingTimeoutMs(input.spec),
    retry: { maximumAttempts: 1 },
  });
  return listMcpTools(input);
}
