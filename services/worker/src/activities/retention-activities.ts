import {
  pruneRetention,
  type PruneRetentionInput,
  type PruneRetentionResult,
  type RetentionOptions,
} from '@agent-runtime/core';
import type { ActivityDependencies } from './activity-support.ts';

const defaultRetention: RetentionOptions = {
  defaults: { runsDays: null, threadsDays: null, artifactsDays: null, payloadsDays: 7 },
  batchSize: 100,
  orphanBlobDays: 7,
};

/** The activity of the `retentionPass` workflow. */
export function createRetentionActivities(dependencies: ActivityDependencies) {
  const options = dependencies.retention ?? defaultRetention;
  const resources = {
    db: dependencies.db,
    blobs: dependencies.blobs,
    runCache: dependencies.runCache,
    logger: dependencies.logger.child({ component: 'retention' }),
  };
  return {
    /**
     * Deletes one bounded batch of what a task's retention settings let go (see
     * `pruneRetention` in core): its own transactions, its own progress log line.
     */
    async pruneRetention(input: PruneRetentionInput): Promise<PruneRetentionResult> {
      return pruneRetention(resources, options, input);
    },
  };
}

/** The retention activity as its workflow sees it (types only). */
export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
