// The baseline's workflow bundle: a plain Temporal loop with the shape of an agent run and none
// of its bookkeeping. Bundled on its own by the baseline worker (workflowsPath), so it imports
// only @temporalio/workflow and activity types.
import { proxyActivities } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities.ts';

// The same timeouts and retry policy as `agentRun`, so both ask Temporal for the same work.
const retry = { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 50 };
const { baselineModel } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '5m', retry });
const { baselineTool } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '10s',
  retry,
});

/**
 * `toolSteps` iterations of (model activity → one tool activity per requested call), then the
 * model activity that gives the final answer: the activity sequence of a scripted agent run
 * with one tool call per step, without its database writes.
 */
export async function baselineAgentLoop({ toolSteps }: { toolSteps: number }): Promise<{ steps: number }> {
  for (let step = 1; step <= toolSteps + 1; step += 1) {
    const reply = await baselineModel({ step, toolSteps });
    if (reply.toolCalls.length === 0) return { steps: step };
    for (const call of reply.toolCalls) await baselineTool({ step, call });
  }
  throw new Error(`no final answer within ${toolSteps + 1} steps`);
}
