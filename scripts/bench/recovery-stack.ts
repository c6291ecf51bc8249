import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import { awaitWorkerPolling, freePort, serviceProcess, type ServiceProcess } from '@agent-runtime/test-harness';
import type { Connection } from '@temporalio/client';
import pg from 'pg';
import { startHoldingToolServer, type HoldingToolServer } from './holding-tool-server.ts';

const apiMain = fileURLToPath(new URL('../../services/api/src/main.ts', import.meta.url));
const workerMain = fileURLToPath(new URL('../../services/worker/src/main.ts', import.meta.url));

/**
 * The API and two workers as processes of their own, on a database and task queue of their
 * own, and the tool their runs call.
 */
export interface RecoveryStack {
  readonly tuning: 'fast' | 'default';
  /** Connection string of the stack's database. */
  readonly databaseUrl: string;
  readonly workers: readonly [ServiceProcess, ServiceProcess];
  readonly tools: HoldingToolServer;
  /** fetch against the API with the admin key and a JSON body. */
  request(method: string, route: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

/** Where the stack runs and how its workers are tuned. */
export interface RecoveryStackOptions {
  /** Admin connection string of the PostgreSQL server; the stack creates a database of its own. */
  readonly postgresUrl: string;
  readonly temporalAddress: string;
  /** The benchmark's connection to Temporal, to see the workers' pollers. */
  readonly temporalConnection: Pick<Connection, 'workflowService'>;
  /** `WORKER_TUNING` of both workers. */
  readonly tuning: 'fast' | 'default';
  /** Directory for the processes' blobs. */
  readonly dataDir: string;
}

/**
 * Spawns the API (which migrates and seeds a fresh database), then two workers, like a
 * production deployment; resolves once the API is ready and both workers poll. Worker
 * processes, not in-process workers, so that kill -9 hits a real process.
 */
export async function startRecoveryStack(options: RecoveryStackOptions): Promise<RecoveryStack> {
  const databaseName = `bench_recovery_${options.tuning}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: options.postgresUrl });
  await admin.connect();
  await admin.query(`create database ${databaseName}`);
  await admin.end();
  const databaseUrl = options.postgresUrl.replace(/\/postgres$/, `/${databaseName}`);
  const apiKey = generateApiKey();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const taskQueue = `bench-recovery-${options.tuning}-${randomBytes(3).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    AR_DATA_DIR: path.join(options.dataDir, databaseName),
    AR_BOOTSTRAP_API_KEY: apiKey,
    AR_MASTER_KEYS: generateMasterKeyEntry('bench'),
    WORKER_TUNING: options.tuning,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    AR_TENANT_RATE_LIMIT: '0',
    AR_TENANT_MAX_CONCURRENT_RUNS: '0',
  };
  const api = serviceProcess('api', apiMain, env);
  const workers = [serviceProcess('worker-1', workerMain, env), serviceProcess('worker-2', workerMain, env)] as const;
  const tools = await startHoldingToolServer();
  const stop = async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await api.stop();
    await tools.close();
  };
  try {
    api.start();
    for (let waited = 0; ; waited += 200) {
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      if (waited > 60_000) throw new Error('the API did not become ready within 60 s');
      await delay(200);
    }
    for (const worker of workers) worker.start();
    const target = { connection: options.temporalConnection, namespace: 'default', taskQueue };
    await Promise.all(workers.map((worker) => awaitWorkerPolling(target, worker.pid ?? 0, 90_000)));
  } catch (error) {
    const tails = [api, ...workers].map((service) => `--- ${service.name} stderr:\n${service.stderrTail}`);
    await stop();
    throw new Error(`the recovery stack did not come up\n${tails.join('\n')}`, { cause: error });
  }
  return {
    tuning: options.tuning,
    databaseUrl,
    workers,
    tools,
    request(method, route, body) {
      return fetch(`${url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    },
    stop,
  };
}
