import { setTimeout as delay } from 'node:timers/promises';
import { ActivityFailure, TimeoutFailure } from '@temporalio/common';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  mcpToolListingTimeoutMs,
  mcpToolListingWorkflowType,
  type McpToolListing,
  type McpToolListingInput,
} from './mcp-tool-listing-contract.ts';

/** Options of {@link listMcpToolsOnWorker}. */
export interface ListMcpToolsOnWorkerOptions {
  /**
   * How long a worker of the task queue has to pick the listing up before the answer is
   * `dependency_unavailable`, however long the listing itself may take. @default 10000
   */
  readonly pickupTimeoutMs?: number;
}

function noWorker(taskQueue: string): AppError {
  return new AppError(
    'dependency_unavailable',
    `no worker of task queue "${taskQueue}" listed the MCP servers' tools in time; try again`,
  );
}

/** Whether the workflow failed because it, or its activity, ran out of time: its worker is gone. */
function timedOut(error: unknown): boolean {
  if (!(error instanceof WorkflowFailedError)) return false;
  const { cause } = error;
  return cause instanceof TimeoutFailure || (cause instanceof ActivityFailure && cause.cause instanceof TimeoutFailure);
}

/**
 * Lists the tools of a spec's MCP servers on a worker (workflow `listVersionMcpTools`), so
 * that the API process never starts a tenant's stdio server nor connects to its MCP servers.
 * Waits as long as the listing may take ({@link mcpToolListingTimeoutMs}); servers that
 * cannot be reached or lack a tool come back as problems, not errors.
 * @throws AppError `dependency_unavailable` when no worker picks the listing up within
 *   `pickupTimeoutMs`, or the worker is lost before it answers.
 */
export async function listMcpToolsOnWorker(
  client: Client,
  taskQueue: string,
  input: McpToolListingInput,
  options: ListMcpToolsOnWorkerOptions = {},
): Promise<McpToolListing> {
  const pickupTimeoutMs = options.pickupTimeoutMs ?? 10_000;
  const handle = await client.workflow.start(mcpToolListingWorkflowType, {
    workflowId: `mcp-tool-listing-${newId()}`,
    taskQueue,
    args: [input],
    // Bounds the listing even when its worker dies mid-way: the API never waits for ever.
    workflowExecutionTimeout: mcpToolListingTimeoutMs(input.spec) + pickupTimeoutMs,
  });
  const result = handle.result() as Promise<McpToolListing>;
  const pickupWait = new AbortController();
  const settledInTime = await Promise.race([
    result.then(
      () => true,
      () => true,
    ),
    delay(pickupTimeoutMs, false, { signal: pickupWait.signal }),
  ]);
  pickupWait.abort();
  // Past the pickup time, a listing whose history holds only its start (execution started,
  // workflow task scheduled) was never seen by a worker: nobody polls the task queue.
  if (!settledInTime && (await handle.describe()).historyLength <= 2) {
    await handle.terminate('no worker picked the MCP tool listing up').catch(() => {});
    throw noWorker(taskQueue);
  }
  try {
    return await result;
  } catch (error) {
    if (timedOut(error)) throw noWorker(taskQueue);
    throw error;
  }
}
