import { adapterOf, inputToUserMessage } from '@agent-runtime/agents';
import { declaredToolsOf, getRunById, isTerminal } from '@agent-runtime/core';
import { Context } from '@temporalio/activity';
import {
  nonRetryable,
  type ActivityDependencies,
  type createSpecCache,
  type ReplayOfCache,
} from './activity-support.ts';
import type { FinishRunInput, RunRef, StartedRun } from './activity-types.ts';

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
          ...declaredToolsOf(spec),
          // The agent's own tools (an AI SDK or OpenAI agent's), after the spec's: the agent's tool of a name wins, in calls too.
          ...adapterOf(spec).ownToolPolicies(spec),
        ].map(({ name, requiresApproval, onError, timeoutSeconds }) => ({
          name,
          requiresApproval,
          onError,
          timeoutSeconds,
        })),
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
    async finishRun({ runId, outcome, usage, turn }: FinishRunInput): Promise<void> {
      // The recorded input names the run alone (histories of runs in flight hold it): its row names the tenant.
      const { tenantId } = await getRunById(db, runId).catch(nonRetryable);
      // A retry may follow a failed start of runs this activity admitted before.
      await runs
        .finish({ tenantId, runId, outcome, usage, turn }, { restartAdmitted: Context.current().info.attempt > 1 })
        .catch(nonRetryable);
    },
  };
}
