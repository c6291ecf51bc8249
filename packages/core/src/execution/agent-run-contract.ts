/** Workflow type of a run; its workflow id is always the run id. */
export const agentRunWorkflowType = 'agentRun';

/** What starts an `agentRun` workflow. Everything else is read from the database by activities. */
export interface AgentRunWorkflowInput {
  readonly runId: string;
}
