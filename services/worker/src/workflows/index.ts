// The workflow bundle's entry point: everything exported here is a workflow type.
export { agentRun } from './agent-run.ts';
export { listVersionMcpTools } from './list-version-mcp-tools.ts';
export { retentionPass } from './retention-pass.ts';
export { scheduledRun } from './scheduled-run.ts';
export { webhookDelivery } from './webhook-delivery.ts';
