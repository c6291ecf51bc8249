import type { Client } from '@temporalio/client';

/**
 * The result of a workflow, or an error once `timeoutMs` has passed: one stuck run must
 * not hold the benchmark past its time budget.
 */
export async function awaitWorkflow(client: Client, workflowId: string, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`workflow ${workflowId} did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([client.workflow.getHandle(workflowId).result(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
