import { adapterOf, inputToUserMessage } from '@agent-runtime/agents';
import {
  declaredToolsOf,
  getRunById,
  isTerminal,
  stepUsageOf,
  type RunUsage,
  type ToolSpec,
} from '@agent-runtime/core';
import { Context } from '@temporalio/activity';
import {
  nonRetryable,
  type ActivityDependencies,
  type createSpecCache,
  type ReplayOfCache,
} from './activity-support.ts';
import type { FinishRunInput, RunOutcome, RunRef, StartedRun, ToolPolicy } from './activity-types.ts';

/** Reading a callback's posted JSON takes a moment; the wait before it is the workflow's. */
const callbackReadSeconds = 30;

/** How the workflow must treat calls of a tool the spec declares. */
function toolPolicyOf(tool: ToolSpec): ToolPolicy {
  const { name, requiresApproval } = tool;
  if (tool.kind !== 'callback')
    return { name, requiresApproval, onError: tool.onError, timeoutSeconds: tool.timeoutSeconds };
  return {
    name,
    requiresApproval,
    onError: 'return',
    timeoutSeconds: callbackReadSeconds,
    callback: { timeoutSeconds: tool.timeoutSeconds, onTimeout: tool.onTimeout },
  };
}

/** The activities that open and close a run. */
export function createRunActivities(
  dependencies: ActivityDependencies,
  specOf: ReturnType<typeof createSpecCache>,
  replayOfs: ReplayOfCache,
) {
  const { db, runs } = dependencies;
  return {
    /**
     * Marks the run `running` and hands the workflow its limits, policies and first message
     * (a replay's: its own input, edited or not), and what a replay replays.
     */
    async startRun(runId: string): Promise<StartedRun> {
      const run = await getRunById(db, runId).catch(nonRetryable);
      if (isTerminal(run.status)) return { state: 'finished', status: run.status };
      // The run's steps need not read it again.
      replayOfs.remember(runId, run.replayOf);
      const ref: RunRef = {
        runId,
        tenantId: run.tenantId,
        agentId: run.agentId,
        agentVersion: run.agentVersion,
        ...(run.threadId === null ? {} : { threadId: run.threadId }),
      };
      const spec = await specOf(ref);
      await runs.start(run).catch(nonRetryable);
      return {
        state: 'running',
        ref,
        limits: spec.limits,
        tools: [
          ...declaredToolsOf(spec).map(toolPolicyOf),
          // The agent's own tools (an AI SDK or OpenAI agent's), after the spec's: the agent's tool of a name wins, in calls too.
          ...adapterOf(spec)
            .ownToolPolicies(spec)
            .map(({ name, requiresApproval, onError, timeoutSeconds }) => ({
              name,
              requiresApproval,
              onError,
              timeoutSeconds,
            })),
        ],
        approvals: spec.approvals,
        messagePolicy: run.messagePolicy,
        messages: [inputToUserMessage(run.input)],
        ...(run.replayOf === undefined ? {} : { replayOf: run.replayOf }),
      };
    },

    /**
     * Adds a thread's turn to its thread, then records the run's terminal state, output or
     * error, and usage, with its final event;
     * then hands the slot it freed to its tenant's oldest queued run. A retry repeats only
     * the handover (the transition is idempotent), and also starts the tenant's admitted
     * runs whose start failed.
     */
    async finishRun({ runId, outcome, usage: counted, turn }: FinishRunInput): Promise<void> {
      let usage = counted;
      // The recorded input names the run alone (histories of runs in flight hold it): its row names the tenant.
      const { tenantId } = await getRunById(db, runId).catch(nonRetryable);
      usage = await withBudgetCrossingStep(db, tenantId, runId, outcome, usage);
      // A retry may follow a failed start of runs this activity admitted before.
      await runs
        .finish({ tenantId, runId, outcome, usage, turn }, { restartAdmitted: Context.current().info.attempt > 1 })
        .catch(nonRetryable);
    },
  };
}

/**
 * The run's usage with the step that took it over its budget: that step's activity failed
 * the run after recording its reply, so the workflow never counted it; the ledger did. A run
 * refused a call it could not afford has no ledger row for that step, and nothing is added.
 */
async function withBudgetCrossingStep(
  db: ActivityDependencies['db'],
  tenantId: string,
  runId: string,
  outcome: RunOutcome,
  usage: RunUsage,
): Promise<RunUsage> {
  if (outcome.status !== 'failed' || outcome.error.code !== 'budget_exceeded' || outcome.error.step === null) {
    return usage;
  }
  const crossing = await stepUsageOf(db, tenantId, runId, outcome.error.step);
  if (crossing === undefined) return usage;
  return {
    ...usage,
    modelCalls: usage.modelCalls + 1,
    inputTokens: usage.inputTokens + crossing.inputTokens,
    outputTokens: usage.outputTokens + crossing.outputTokens,
    totalTokens: (usage.totalTokens ?? 0) + crossing.totalTokens,
    cachedInputTokens: (usage.cachedInputTokens ?? 0) + crossing.cachedInputTokens,
    costUsd: Math.round((usage.costUsd + crossing.costUsd) * 1e10) / 1e10,
  };
}
