import {
  retentionTasks,
  type RetentionPassState,
  type RetentionPassSummary,
  type RetentionTask,
} from '@agent-runtime/core/retention-contract';
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention-activities.ts';

/**
 * Batches of one task in one pass at most: a task that keeps finding work (a store of
 * millions of blobs) goes on at the next pass rather than running for ever.
 */
const maxBatchesPerTask = 1_000;

const { pruneRetention } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

/**
 * One retention pass, started by the retention schedule: each task in turn (threads, runs,
 * artifacts, payloads, orphan blobs), batch by batch, each batch an activity that commits on
 * its own. Durable like every workflow: after a crash it goes on from its last finished batch.
 * Continues as new when its history grows long, carrying where it is.
 */
export async function retentionPass(state: RetentionPassState = {}): Promise<RetentionPassSummary> {
  const pruned: RetentionPassSummary = { threads: 0, runs: 0, artifacts: 0, payloads: 0, orphans: 0, ...state.pruned };
  const first = retentionTasks.indexOf(state.task ?? retentionTasks[0]);
  let cursor = state.cursor;
  for (const task of retentionTasks.slice(first) as RetentionTask[]) {
    for (let batch = 0; batch < maxBatchesPerTask; batch += 1) {
      const result = await pruneRetention({ task, cursor });
      pruned[task] += result.pruned;
      cursor = result.cursor;
      if (result.done) break;
      if (workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof retentionPass>({ task, cursor, pruned });
      }
    }
    cursor = undefined;
  }
  return pruned;
}
