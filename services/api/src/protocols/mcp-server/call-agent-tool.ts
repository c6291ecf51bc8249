import {
  isTerminalRunEventType,
  type Database,
  type JsonValue,
  type Run,
  type RunActor,
  type RunCache,
  type RunEvent,
  type RunEventBus,
  type RunService,
} from '@agent-runtime/core';
import type { CallToolResult, ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import type { Kysely } from 'kysely';
import { followRunEvents, isStoredEvent } from '../../live/follow-run-events.ts';
import { resolveAgentToolCall } from './agents-as-tools.ts';

/** The metadata key that names the MCP request a run answers: `<session>/<request id>`. */
export const mcpRequestMetadataKey = 'mcp.request';

/** What a tool call needs: the run machinery, the caller, and the MCP request it answers. */
export interface AgentToolCall {
  readonly db: Kysely<Database>;
  readonly runs: RunService;
  readonly runCache: RunCache;
  readonly bus: RunEventBus;
  readonly catchUpMs: number;
  readonly actor: RunActor;
  readonly name: string;
  readonly arguments?: Record<string, unknown> | undefined;
  /** `<session>/<request id>`, when the client keeps the session id this server gave it. */
  readonly requestKey: string | undefined;
  /** The client's progress token: each event of the run is then a progress notification. */
  readonly progressToken: string | number | undefined;
  readonly sendNotification: (notification: ServerNotification) => Promise<void>;
  /** Stops following the run (the client or the server went away); the run goes on. */
  readonly signal: AbortSignal;
}

/** A line a person reads for one event of the run, or nothing for events that say little. */
function progressMessageOf(event: RunEvent, runId: string): string | undefined {
  switch (event.type) {
    case 'run.started':
      return `run ${runId} started`;
    case 'model.completed':
      return event.data.text === '' ? `step ${event.step ?? 0} done` : event.data.text;
    case 'tool.started':
      return `calling ${event.data.tool}`;
    case 'approval.requested':
      return `waiting for a human to approve ${event.data.tool} (POST /v1/runs/${runId}/approvals/${event.data.approvalId})`;
    case 'approval.decided':
      return `approval ${event.data.approvalId}: ${event.data.decision}`;
    default:
      return undefined;
  }
}

/** The text a run's output or error becomes. */
function resultTextOf(run: Run): string {
  if (run.status !== 'succeeded') return `the run ${run.status}: ${run.error?.message ?? 'no reason recorded'}`;
  const output: JsonValue | null = run.output;
  if (typeof output === 'string') return output;
  if (output !== null && typeof output === 'object' && !Array.isArray(output) && typeof output.text === 'string') {
    return output.text;
  }
  return JSON.stringify(output);
}

/**
 * Calls an agent as a tool: starts a durable run of it through the run service, reports each
 * event as a progress notification (when the client sent a progress token), and answers the
 * run's output once it ends (an error result when it did not succeed). The run's id is in the
 * result's `_meta`. A client that leaves stops the reporting, not the run: MCP takes a
 * disconnect for no cancellation; `notifications/cancelled` is.
 */
export async function callAgentTool(call: AgentToolCall): Promise<CallToolResult> {
  const { agent, input } = await resolveAgentToolCall(call.db, call.actor.tenantId, call);
  const metadata: Record<string, string> = { protocol: 'mcp' };
  if (call.requestKey !== undefined) metadata[mcpRequestMetadataKey] = call.requestKey;
  const { run } = await call.runs.create({ agentId: agent.id, input, metadata }, call.actor);
  const tenantId = call.actor.tenantId;
  let progress = 0;
  for await (const item of followRunEvents({ ...call, tenantId, runId: run.id, after: { seq: 0 } })) {
    if (!isStoredEvent(item)) continue;
    const message = progressMessageOf(item, run.id);
    if (call.progressToken !== undefined && message !== undefined) {
      progress += 1;
      await call
        .sendNotification({
          method: 'notifications/progress',
          params: { progressToken: call.progressToken, progress, message },
        })
        .catch(() => undefined);
    }
    if (isTerminalRunEventType(item.type)) break;
  }
  const ended = await call.runCache.getRun(tenantId, run.id);
  return {
    content: [{ type: 'text', text: resultTextOf(ended) }],
    isError: ended.status !== 'succeeded',
    _meta: { 'agent-runtime/runId': run.id, 'agent-runtime/status': ended.status },
  };
}
