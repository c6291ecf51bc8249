import { fileURLToPath } from 'node:url';
import { fastRecoveryOptions } from '@agent-runtime/worker';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityClock } from './activity-clock.ts';
import { createBaselineActivities } from './baseline-activities.ts';

const workflowsPath = fileURLToPath(new URL('./baseline-workflows.ts', import.meta.url));

/** Workflow type of the baseline loop. */
export const baselineWorkflowType = 'baselineAgentLoop';

/** What the baseline worker needs. */
export interface BaselineWorkerOptions {
  /** Temporal frontend `host:port`. */
  readonly temporalAddress: string;
  readonly namespace: string;
  /** A task queue of its own, never the agent worker's. */
  readonly taskQueue: string;
  /** Records when each baseline activity runs. */
  readonly clock: ActivityClock;
  /** Same value as the agent worker's, so both may run as many activities at once. */
  readonly maxConcurrentActivityTaskExecutions: number;
}

/** A running baseline worker. */
export interface BaselineWorker {
  stop(): Promise<void>;
}

/**
 * Starts a plain Temporal worker for the baseline workflow: its own bundle, its own task
 * queue, and the worker settings the agent worker uses where they affect latency.
 */
export async function startBaselineWorker(options: BaselineWorkerOptions): Promise<BaselineWorker> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    activities: createBaselineActivities(),
    interceptors: { activity: [options.clock.interceptor] },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    ...fastRecoveryOptions,
    shutdownGraceTime: '10s',
  });
  const running = worker.run().catch((error: unknown) => console.error('baseline worker stopped unexpectedly', error));
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
