import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/**
 * The result of a workflow, or an error once `timeoutMs` has passed: one stuck run must
 * not hold the benchmark past its time budget. A run's 202 does not promise that its
 * workflow exists yet (a concurrent request may have admitted it and still be starting it),
 * so a workflow not found yet is asked for again.
 */
export async function awaitWorkflow(client: Client, workflowId: string, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`workflow ${workflowId} did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const deadline = Date.now() + timeoutMs;
  async function result(): Promise<unknown> {
    for (;;) {
      try {
        return await client.workflow.getHandle(workflowId).result();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError) || Date.now() > deadline) throw error;
        await delay(5);
      }
    }
  }
  try {
    return await Promise.race([result(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
