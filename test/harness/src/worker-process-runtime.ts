import path from 'node:path';
import { generateMasterKeyEntry } from '@agent-runtime/core';
import { inject } from 'vitest';
import { createPostgresDatabase } from './databases.ts';
import { repoRoot } from './repo-root.ts';
import { startTestRuntime, type TestRuntime } from './runtime.ts';
import { serviceProcess, type ServiceProcess } from './service-process.ts';
import { testLogFd } from './test-logs.ts';
import { waitUntil } from './wait-until.ts';

const defaultWorkerMain = path.join(repoRoot, 'services/worker/src/main.ts');

/** A test runtime whose worker runs as a process of its own, for tests that kill it. */
export interface WorkerProcessRuntime {
  /** The API in this process, on a PostgreSQL database of its own; no worker of its own. */
  readonly runtime: TestRuntime;
  /** The worker process, on the runtime's database, Temporal task queue, keys and blobs. */
  readonly worker: ServiceProcess;
}

/**
 * Starts a {@link WorkerProcessRuntime}: `workerMain` (a worker entry point; the production
 * one by default) with `env` on top of the runtime's settings.
 */
export async function startWorkerProcessRuntime(
  label: string,
  options: { readonly workerMain?: string; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<WorkerProcessRuntime> {
  const databaseUrl = await createPostgresDatabase();
  const masterKeys = generateMasterKeyEntry(label);
  const runtime = await startTestRuntime({ worker: false, databaseUrl, env: { AR_MASTER_KEYS: masterKeys } });
  const worker = serviceProcess(
    'worker',
    options.workerMain ?? defaultWorkerMain,
    {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: runtime.config.TEMPORAL_TASK_QUEUE,
      AR_MASTER_KEYS: masterKeys,
      AR_BLOB_DIR: runtime.config.AR_BLOB_DIR,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    { logFd: testLogFd() },
  );
  return { runtime, worker };
}

/** When {@link restartWorkerWhen} kills the worker, and what it reports if that moment never comes. */
export interface RestartWorkerOptions {
  /** What the test saw so far, for the error when `inFlight` never holds. @default nothing */
  readonly seen?: () => string;
  /** How long to wait after `inFlight` holds before the kill, e.g. to die mid-stream. @default 0 */
  readonly afterMs?: number;
}

/**
 * Waits (up to 60 s) until `inFlight` holds, i.e. the test's servers hold the step it names in
 * flight, then kills the worker with kill -9 and starts it again. Failing to get there throws
 * with `options.seen()` and the worker's stderr.
 */
export async function restartWorkerWhen(
  worker: ServiceProcess,
  what: string,
  inFlight: () => boolean,
  options: RestartWorkerOptions = {},
): Promise<void> {
  await waitUntil(what, inFlight, 60_000).catch((error: unknown) => {
    const seen = options.seen ? `; ${options.seen()}` : '';
    throw new Error(`${String(error)}${seen}\n${worker.stderrTail}`);
  });
  if (options.afterMs) await new Promise((resolve) => setTimeout(resolve, options.afterMs));
  await worker.kill();
  worker.start();
}
