import type { Connection } from '@temporalio/client';
import { setTimeout as delay } from 'node:timers/promises';

/** Numeric values of Temporal's `TaskQueueType`. */
const taskQueueTypes = { workflow: 1, activity: 2 } as const;

/** Where to look for a worker's pollers. */
export interface WorkerPollersTarget {
  readonly connection: Pick<Connection, 'workflowService'>;
  readonly namespace: string;
  readonly taskQueue: string;
}

/**
 * Resolves once the worker process `pid` polls both the workflow and the activity task queue
 * (Temporal lists pollers by identity, `<pid>@<host>` unless a worker sets its own): the
 * worker is up and taking work, not just started.
 */
export async function awaitWorkerPolling(target: WorkerPollersTarget, pid: number, timeoutMs: number): Promise<void> {
  const polls = async (taskQueueType: number) => {
    const response = await target.connection.workflowService.describeTaskQueue({
      namespace: target.namespace,
      taskQueue: { name: target.taskQueue },
      taskQueueType,
    });
    return (response.pollers ?? []).some((poller) => poller.identity?.startsWith(`${pid}@`));
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const polling =
      (await polls(taskQueueTypes.workflow).catch(() => false)) &&
      (await polls(taskQueueTypes.activity).catch(() => false));
    if (polling) return;
    if (Date.now() > deadline) throw new Error(`worker ${pid} did not poll ${target.taskQueue} within ${timeoutMs} ms`);
    await delay(250);
  }
}
