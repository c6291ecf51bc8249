import { adapterOf, inputToUserMessage } from '@agent-runtime/agents';
import {
  admitAndStartRuns,
  applyRunTransition,
  declaredToolsOf,
  getRunById,
  isTerminal,
  terminalRunEvent,
} from '@agent-runtime/core';
import { Context } from '@temporalio/activity';
import {
  createRunChangeAnnouncer,
  nonRetryable,
  type ActivityDependencies,
  type createSpecCache,
} from './activity-support.ts';
import type { FinishRunInput, RunRef, StartedRun } from './activity-types.ts';

/** The activities that open and close a run. */
export function createRunActivities(dependencies: ActivityDependencies, specOf: ReturnType<typeof createSpecCache>) {
  const { db } = dependencies;
  const announce = createRunChangeAnnouncer(dependencies);
  return {
    /** Marks the run `running` and hands the workflow its limits, policies and first message. */
    async startRun(runId: string): Promise<StartedRun> {
      const run = await getRunById(db, runId).catch(nonRetryable);
      if (isTerminal(run.status)) return { state: 'finished', status: run.status };
      const ref: RunRef = { runId, tenantId: run.tenantId, agentId: run.agentId, agentVersion: run.agentVersion };
      const spec = await specOf(ref);
      const change = await applyRunTransition(db, {
        runId,
        to: 'running',
        events: [
          {
            runId,
            type: 'run.started',
            data: { agentId: run.agentId, agentVersion: run.agentVersion },
            dedupeKey: 'run.started',
          },
        ],
      }).catch(nonRetryable);
      await announce(change);
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
      };
    },

    /**
     * Records the run's terminal state, output or error, and usage, with its final event;
     * then hands the slot it freed to its tenant's oldest queued run. A retry repeats only
     * the handover (the transition is idempotent), and also starts the tenant's admitted
     * runs whose start failed.
     */
    async finishRun({ runId, outcome, usage }: FinishRunInput): Promise<void> {
      const change = await applyRunTransition(db, {
        runId,
        to: outcome.status,
        usage,
        ...(outcome.status === 'succeeded' ? { output: outcome.output } : { error: outcome.error }),
        events: [terminalRunEvent(runId, outcome, usage)],
      }).catch(nonRetryable);
      await announce(change);
      await admitAndStartRuns({
        db,
        temporal: Context.current().client,
        taskQueue: dependencies.runAdmission.taskQueue,
        tenantId: change.run.tenantId,
        defaultMaxConcurrentRuns: dependencies.runAdmission.defaultMaxConcurrentRuns,
        // A retry may follow a failed start of runs this activity admitted before.
        restartAdmitted: Context.current().info.attempt > 1,
      });
    },
  };
}
