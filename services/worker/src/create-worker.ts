import { fileURLToPath } from 'node:url';
import type { Config, Database, Logger } from '@agent-runtime/core';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from './activities/create-activities.ts';

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** What a worker needs from its process. */
export interface WorkerDependencies {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Temporal frontend `host:port`. */
  readonly temporalAddress: string;
  /** Overrides for tests and benchmarks. */
  readonly workerOptions?: Partial<WorkerOptions>;
}

/** A worker ready to `run()`, and the connection to close after it stops. */
export interface CreatedWorker {
  readonly worker: Worker;
  readonly connection: NativeConnection;
}

let runtimeInstalled = false;

/** Routes the Temporal SDK's own logs into our logger, once per process. */
function installRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: {
      log: (level, message, meta) => logger[level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error']({ ...meta }, message),
      trace: (message, meta) => logger.trace({ ...meta }, message),
      debug: (message, meta) => logger.debug({ ...meta }, message),
      info: (message, meta) => logger.info({ ...meta }, message),
      warn: (message, meta) => logger.warn({ ...meta }, message),
      error: (message, meta) => logger.error({ ...meta }, message),
    },
  });
}

/** Connects to Temporal and builds the worker hosting `agentRun` and its activities. */
export async function createWorker(dependencies: WorkerDependencies): Promise<CreatedWorker> {
  const { config, db, logger } = dependencies;
  installRuntime(logger.child({ component: 'temporal-sdk' }));
  const connection = await NativeConnection.connect({ address: dependencies.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath,
    activities: createActivities({ db, logger: logger.child({ component: 'activities' }) }),
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    // A restarted process is a new worker: its predecessor's sticky queue is dead, so
    // workflow tasks fall back to the shared queue quickly instead of after 10 s.
    stickyQueueScheduleToStartTimeout: '3s',
    shutdownGraceTime: '10s',
    ...dependencies.workerOptions,
  });
  return { worker, connection };
}
