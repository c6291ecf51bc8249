// What the retention workflow and its activity agree on: workflow-safe (no Node imports), so
// the worker's workflow bundle can import it.

/** Workflow type of one retention pass, started by the retention schedule. */
export const retentionPassWorkflowType = 'retentionPass';

/**
 * The kinds of work of a pass, in order: idle threads first (they take their runs along),
 * then expired runs, old artifacts, payload blobs of ended runs, and last the blobs nothing
 * refers to any more.
 */
export const retentionTasks = ['threads', 'runs', 'artifacts', 'payloads', 'orphans'] as const;

/** One kind of retention work. */
export type RetentionTask = (typeof retentionTasks)[number];

/** Input of the `pruneRetention` activity: one bounded batch of one task. */
export interface PruneRetentionInput {
  readonly task: RetentionTask;
  /** Where the task's batch before this one ended (the orphan sweep's listing); none at first. */
  readonly cursor?: string | undefined;
}

/** What one batch did. */
export interface PruneRetentionResult {
  /** Objects deleted (threads, runs, artifacts, runs whose payloads went, orphan blobs). */
  readonly pruned: number;
  /** Whether the task has nothing left for this pass. */
  readonly done: boolean;
  /** Where the next batch of the task starts, when it keeps one. */
  readonly cursor?: string | undefined;
}

/** Where a pass is: the input of `retentionPass`, and what it continues as new with. */
export interface RetentionPassState {
  /** The task to go on with. @default the first */
  readonly task?: RetentionTask;
  readonly cursor?: string | undefined;
  /** Objects pruned so far in this pass, by task. */
  readonly pruned?: Partial<Record<RetentionTask, number>>;
}

/** What a pass did: objects pruned, by task. */
export type RetentionPassSummary = Record<RetentionTask, number>;
