import { createApprovalActivities } from './approval-activities.ts';
import { createCallbackActivities } from './callback-activities.ts';
import {
  createMcpToolsCache,
  createReplayOfCache,
  createSpecCache,
  type ActivityDependencies,
} from './activity-support.ts';
import { createMcpListingActivities } from './mcp-listing-activities.ts';
import { createMessageActivities } from './message-activities.ts';
import { createModelActivities } from './model-activities.ts';
import { createRetentionActivities } from './retention-activities.ts';
import { createRunActivities } from './run-activities.ts';
import { createScheduleActivities } from './schedule-activities.ts';
import { createToolActivities } from './tool-activities.ts';
import { createWebhookActivities } from './webhook-activities.ts';

export type { ActivityDependencies } from './activity-support.ts';

/**
 * The activities of the `agentRun` workflow, the MCP tool listing of `listVersionMcpTools`,
 * the retention batches of `retentionPass`, the fires of `scheduledRun` and the
 * attempts of `webhookDelivery`. Each model step
 * and each tool call is its own activity; every
 * database write is idempotent, so a retried activity changes nothing twice.
 */
export function createActivities(dependencies: ActivityDependencies) {
  const specOf = createSpecCache(dependencies.db);
  const mcpToolsOf = createMcpToolsCache(dependencies.db);
  const replayOfs = createReplayOfCache(dependencies.db);
  return {
    ...createRunActivities(dependencies, specOf, replayOfs),
    ...createModelActivities(dependencies, specOf, mcpToolsOf, replayOfs),
    ...createToolActivities(dependencies, specOf, mcpToolsOf, replayOfs),
    ...createApprovalActivities(dependencies),
    ...createCallbackActivities(dependencies),
    ...createMessageActivities(dependencies),
    ...createMcpListingActivities(dependencies),
    ...createRetentionActivities(dependencies),
    ...createScheduleActivities(dependencies),
    ...createWebhookActivities(dependencies),
  };
}

/** The activities as the workflow sees them (types only). */
export type AgentRunActivities = ReturnType<typeof createActivities>;
