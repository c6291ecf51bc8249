import { trace } from '@opentelemetry/api';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
} from '@temporalio/client';
import { agentRunWorkflowType, type AgentRunWorkflowInput } from './agent-run-contract.ts';

/**
 * Starts the workflow of a run, with workflow id = run id. Safe to repeat: a run whose
 * workflow is already running or has finished is left alone, so API retries and the
 * startup reconciler can call this freely.
 */
export async function startRunWorkflow(client: Client, taskQueue: string, runId: string): Promise<void> {
  const input: AgentRunWorkflowInput = { runId };
  trace.getActiveSpan()?.setAttribute('agent_runtime.run_id', runId);
  try {
    await client.workflow.start(agentRunWorkflowType, {
      workflowId: runId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
  } catch (error) {
    // A finished workflow under this id: the run already ran.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
