import {
  adapterOf,
  builtinTools,
  invokeTool,
  McpConnectionPool,
  McpUnavailableError,
  resolveTool,
  type AgentReply,
  type ToolMemoryAccess,
  type ToolOutcome,
  type ToolRunScope,
} from '@agent-runtime/agents';
import {
  appendRunEvents,
  claimToolCallWithEvent,
  completeToolCallWithEvent,
  declaredToolsOf,
  findCallWaitpoint,
  getRun,
  recordedModelStepReply,
  type AgentSpec,
  type NewRunEvent,
  type RunEvent,
  type ToolSpec,
} from '@agent-runtime/core';
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  createEventPublisher,
  secretSourceOf,
  withHeartbeats,
  type ActivityDependencies,
  type createMcpToolsCache,
  type createSpecCache,
  type ReplayOfCache,
} from './activity-support.ts';
import type { ToolStepInput } from './activity-types.ts';
import { replayedStepOf, replayedToolOutcome } from './replayed-steps.ts';
import { stepLogger, traceToolCall } from './step-telemetry.ts';
import { createArtifactSaver } from './tool-artifacts.ts';
import type { RunRef } from './activity-types.ts';

/**
 * What the memory tools of one call reach: the store, the namespace template the tool's
 * declaration names, and the run (read once, when a template needs it).
 */
function memoryAccessOf(
  dependencies: ActivityDependencies,
  ref: RunRef,
  declaration: ToolSpec | undefined,
): ToolMemoryAccess | undefined {
  const store = dependencies.memory;
  if (!store) return undefined;
  let run: Promise<ToolRunScope> | undefined;
  return {
    store,
    namespace: declaration?.kind === 'builtin' ? declaration.namespace : undefined,
    run: () =>
      (run ??= getRun(dependencies.db, ref.tenantId, ref.runId).then((found) => ({
        tenantId: ref.tenantId,
        runId: ref.runId,
        threadId: found.threadId ?? undefined,
        metadata: found.metadata,
      }))),
  };
}

/**
 * A callback tool's output: the JSON POSTed to its waitpoint's URL. The workflow only calls
 * the tool step once the waitpoint is completed; an expired one answers `callback_expired`.
 */
async function callbackOutcome(
  { db }: ActivityDependencies,
  ref: RunRef,
  step: number,
  call: ToolStepInput['call'],
): Promise<ToolOutcome> {
  const waitpoint = await findCallWaitpoint(db, { tenantId: ref.tenantId, runId: ref.runId, step, callId: call.id });
  if (waitpoint?.status === 'completed') return { ok: true, output: waitpoint.payload };
  return {
    ok: false,
    error: { code: 'callback_expired', message: `no callback to ${call.name} arrived before its URL expired` },
  };
}

/** The tool call activity. */
export function createToolActivities(
  dependencies: ActivityDependencies,
  specOf: ReturnType<typeof createSpecCache>,
  mcpToolsOf: ReturnType<typeof createMcpToolsCache>,
  replayOfs: ReplayOfCache,
) {
  const { db, logger, adapters } = dependencies;
  const builtins = dependencies.tools ?? builtinTools;
  const publish = createEventPublisher(dependencies);
  const mcp = dependencies.mcp ?? { pool: new McpConnectionPool(), stdioCommands: [] };

  /** Runs a call's tool (the agent's own, or the spec's) and answers its result, not yet recorded. */
  async function runTool(
    { ref, step, call }: ToolStepInput,
    spec: AgentSpec,
    idempotencyKey: string,
  ): Promise<ToolOutcome> {
    const secrets = secretSourceOf(dependencies, ref.tenantId);
    // The agent's own tool comes first (an AI SDK or OpenAI agent's); the spec's tools resolve as for every agent.
    const ownTool = await adapterOf(spec).ownTool(
      spec,
      {
        call,
        // Recorded before the model step returned, so before its tool steps ran.
        recordedStep: () => recordedModelStepReply<AgentReply>(db, { tenantId: ref.tenantId, runId: ref.runId, step }),
      },
      adapters,
    );
    if (!ownTool && declaredToolsOf(spec).find((tool) => tool.name === call.name)?.kind === 'callback') {
      return callbackOutcome(dependencies, ref, step, call);
    }
    const resolved = ownTool
      ? { tool: ownTool }
      : resolveTool(spec, call.name, {
          builtins,
          secrets,
          ...(spec.mcpServers.length > 0
            ? { mcp: { tools: await mcpToolsOf(ref), runtime: { ...mcp, tenantId: ref.tenantId } } }
            : {}),
        });
    const context = Context.current();
    return traceToolCall(
      dependencies.telemetry,
      { ref, step, tool: call.name, callId: call.id },
      async (): Promise<ToolOutcome> =>
        resolved
          ? await withHeartbeats(() =>
              invokeTool(resolved.tool, call.arguments, {
                idempotencyKey,
                signal: context.cancellationSignal,
                heartbeat: () => context.heartbeat(),
                saveArtifact: createArtifactSaver(dependencies, { ref, step, callId: call.id }),
                memory: memoryAccessOf(dependencies, ref, 'declaration' in resolved ? resolved.declaration : undefined),
              }),
            ).catch((error: unknown) => {
              // Typed, so the workflow's tool_failed result says what was unreachable.
              if (error instanceof McpUnavailableError) {
                throw ApplicationFailure.retryable(error.message, 'mcp_server_unavailable');
              }
              throw error;
            })
          : {
              ok: false,
              error: { code: 'unknown_tool', message: `tool "${call.name}" is not available to this agent` },
            },
    );
  }

  return {
    /**
     * One tool call, executed at most once to completion: its result is recorded under the
     * idempotency key `runId:step:callId` before the step counts as done, and a retry
     * returns the recorded result instead of running the tool again. A replay's call in a
     * step before its `fromStep` does not run: it answers what the replayed run's call
     * recorded (see `replayedToolOutcome`), recorded as the replay's own, with events that
     * say `replayed: true`.
     */
    async toolStep({ ref, step, call }: ToolStepInput): Promise<ToolOutcome> {
      const idempotencyKey = `${ref.runId}:${step}:${call.id}`;
      const spec = await specOf(ref);
      const replayed = await replayedStepOf(replayOfs, ref, step);
      const replayedMark = replayed === undefined ? {} : { replayed: true as const };
      // The claim and `tool.started` commit in one round trip before the tool runs; the
      // result and `tool.completed` in one the moment it returns.
      const { claim, events: started } = await claimToolCallWithEvent(
        db,
        { tenantId: ref.tenantId, idempotencyKey, runId: ref.runId, step, callId: call.id, tool: call.name },
        {
          runId: ref.runId,
          type: 'tool.started',
          step,
          data: { callId: call.id, tool: call.name, input: call.arguments, ...replayedMark },
          dedupeKey: `tool.started:${step}:${call.id}`,
        },
      );
      publish(ref.runId, started);
      const completedEvent = (outcome: unknown): NewRunEvent => ({
        runId: ref.runId,
        type: 'tool.completed',
        step,
        data: { callId: call.id, tool: call.name, ...(outcome as ToolOutcome), ...replayedMark },
        dedupeKey: `tool.completed:${step}:${call.id}`,
      });
      let outcome: ToolOutcome;
      let completed: RunEvent[];
      if (claim.state === 'completed') {
        outcome = claim.result as ToolOutcome;
        completed = await appendRunEvents(db, ref.tenantId, [completedEvent(outcome)]);
      } else {
        // A replayed call answers the replayed run's record; any other runs its tool.
        const result =
          replayed === undefined
            ? await runTool({ ref, step, call }, spec, idempotencyKey)
            : await replayedToolOutcome(db, specOf, ref, step, call, replayed);
        const recorded = await completeToolCallWithEvent(
          db,
          { tenantId: ref.tenantId, idempotencyKey, runId: ref.runId },
          result,
          completedEvent,
        );
        outcome = recorded.result as ToolOutcome;
        completed = recorded.events;
        if (claim.attempt > 1) {
          stepLogger(logger, ref, step).info({ idempotencyKey, attempt: claim.attempt }, 'tool call retried');
        }
      }
      publish(ref.runId, completed);
      return outcome;
    },
  };
}
