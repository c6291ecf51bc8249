/**
 * The contract between a Temporal schedule and the `scheduledRun` workflow it starts at each
 * fire. Workflow-safe: no I/O, imported by workflow code.
 */

/** The workflow type every schedule starts. */
export const scheduledRunWorkflowType = 'scheduledRun';

/** What a schedule's action passes its workflow: the schedule, read afresh from the database at each fire. */
export interface ScheduledRunInput {
  readonly scheduleId: string;
  readonly tenantId: string;
}

/** The search attribute Temporal sets on every workflow a schedule starts: the fire's nominal time. */
export const scheduledStartTimeAttribute = 'TemporalScheduledStartTime';
