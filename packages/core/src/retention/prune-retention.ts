import type { PruneRetentionInput, PruneRetentionResult } from '../execution/retention-contract.ts';
import type { RunDeletionResources } from './delete-runs.ts';
import { pruneOldArtifacts } from './prune-artifacts.ts';
import { pruneEndedRunPayloads } from './prune-payloads.ts';
import { pruneExpiredRuns } from './prune-runs.ts';
import { pruneIdleThreads } from './prune-threads.ts';
import type { RetentionOptions } from './retention-options.ts';
import { sweepOrphanBlobs } from './sweep-orphan-blobs.ts';

/**
 * One bounded batch of one retention task (the `pruneRetention` activity). Each batch
 * commits on its own, so a pass that stops anywhere has lost nothing and the next batch, or
 * pass, goes on from what is left. Logs what it deleted.
 */
export async function pruneRetention(
  resources: RunDeletionResources,
  options: RetentionOptions,
  input: PruneRetentionInput,
): Promise<PruneRetentionResult> {
  const result = await runTask(resources, options, input);
  const log = { task: input.task, pruned: result.pruned, done: result.done };
  if (result.pruned > 0) resources.logger.info(log, 'retention batch');
  else resources.logger.debug(log, 'retention batch');
  return result;
}

function runTask(
  resources: RunDeletionResources,
  options: RetentionOptions,
  input: PruneRetentionInput,
): Promise<PruneRetentionResult> {
  switch (input.task) {
    case 'threads':
      return pruneIdleThreads(resources, options);
    case 'runs':
      return pruneExpiredRuns(resources, options);
    case 'artifacts':
      return pruneOldArtifacts(resources, options);
    case 'payloads':
      return pruneEndedRunPayloads(resources, options);
    case 'orphans':
      return sweepOrphanBlobs(resources, options, input.cursor);
  }
}
