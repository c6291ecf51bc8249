import { fileURLToPath } from 'node:url';
import { generateMasterKeyEntry } from '@agent-runtime/core';
import { inject } from 'vitest';
import { createPostgresDatabase } from './databases.ts';
import { startTestRuntime, type TestRuntime } from './runtime.ts';
import { serviceProcess, type ServiceProcess } from './service-process.ts';

const defaultWorkerMain = fileURLToPath(new URL('../../services/worker/src/main.ts', import.meta.url));

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
  const worker = serviceProcess('worker', options.workerMain ?? defaultWorkerMain, {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: runtime.config.TEMPORAL_TASK_QUEUE,
    AR_MASTER_KEYS: masterKeys,
    AR_BLOB_DIR: runtime.config.AR_BLOB_DIR,
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  return { runtime, worker };
}
