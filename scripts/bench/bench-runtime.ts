import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildApp } from '@agent-runtime/api';
import {
  createDataConverter,
  createLogger,
  generateMasterKeyEntry,
  loadConfig,
  migrateToLatest,
  openBlobStore,
  openDatabase,
  openRunEventBus,
  seedDefaults,
  type Config,
  type DatabaseHandle,
  type RunEventBus,
} from '@agent-runtime/core';
import { connectTemporalClient } from '@agent-runtime/embedded';
import { awaitWorkerPolling, createApiRequest, serviceProcess } from '@agent-runtime/test-harness';
import { createWorker, type WorkerDependencies } from '@agent-runtime/worker';
import { Connection, type Client } from '@temporalio/client';
import type { ActivityClock } from './activity-clock.ts';

const workerMain = fileURLToPath(new URL('../../services/worker/src/main.ts', import.meta.url));

/**
 * Agents the in-process worker registers, by framework, as `createWorker` takes them: an
 * adapter whose agents live in the worker adds its key here.
 */
export type BenchWorkerAgents = Pick<WorkerDependencies, 'agents' | 'aiSdkAgents' | 'graphs' | 'openaiAgents'>;

/** The runtime under test: API and agent worker in this process, on the benchmark's services. */
export interface BenchRuntime {
  readonly config: Config;
  readonly database: DatabaseHandle;
  /** The benchmark's own Temporal client (not the API's), for awaiting workflow results. */
  readonly temporal: Client;
  /** Base URL of the API. */
  readonly url: string;
  /** The seeded admin's API key. */
  readonly apiKey: string;
  /** The run event bus the API serves live events from (phases may watch what goes through it). */
  readonly bus: RunEventBus;
  /** fetch against the API with the seeded admin key and a JSON body. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

/** Where the runtime's dependencies are. */
export interface BenchRuntimeOptions {
  /** PostgreSQL connection string of an empty database. */
  readonly databaseUrl: string;
  /**
   * Keep the system of record in PGlite in this directory instead, as the embedded runtime
   * does (`databaseUrl` is then unused). @default PostgreSQL
   */
  readonly pgliteDir?: string;
  /** Temporal frontend `host:port`. */
  readonly temporalAddress: string;
  /** Records when the agent worker's activities run. */
  readonly clock: ActivityClock;
  /** Redis for the run event bus; unset: the in-process bus. */
  readonly redisUrl?: string;
  /**
   * Run the agent worker as a process of its own (`services/worker/src/main.ts`), as in
   * production, instead of in this process; its activities are then not on `clock`. Its
   * events reach the API only over Redis, so set `redisUrl` too. @default false
   */
  readonly workerProcess?: boolean;
  /** Agents the in-process worker registers (`createWorker({ agents, aiSdkAgents, graphs, openaiAgents })`). @default none */
  readonly workerAgents?: BenchWorkerAgents;
}

/**
 * Migrates and seeds the database, then starts the agent worker (on a task queue of its
 * own) and the API listening on a free loopback port: the same composition as the embedded
 * runtime, minus the reconciler, which only matters after a crash.
 */
export async function startBenchRuntime(options: BenchRuntimeOptions): Promise<BenchRuntime> {
  const masterKeys = generateMasterKeyEntry('bench');
  const config = loadConfig({
    AR_MASTER_KEYS: masterKeys,
    TEMPORAL_TASK_QUEUE: `bench-agent-${randomBytes(4).toString('hex')}`,
    DATABASE_POOL_SIZE: '20',
    LOG_LEVEL: 'warn',
    PORT: '0',
    // The bench measures the runtime's overhead, not the per-tenant limits it would hit.
    AR_TENANT_RATE_LIMIT: '0',
    AR_TENANT_MAX_CONCURRENT_RUNS: '0',
    // The webhook latency phase's receiver listens on loopback.
    AR_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
  });
  const logger = createLogger(config.LOG_LEVEL, 'bench');
  const database = await openDatabase(
    options.pgliteDir === undefined
      ? { kind: 'postgres', url: options.databaseUrl, poolSize: config.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: options.pgliteDir },
  );
  await migrateToLatest(database.db);
  const seed = await seedDefaults(database.db, {});
  const apiKey = seed.createdApiKey ?? '';
  const blobs = openBlobStore(config);
  const dataConverter = createDataConverter({ blobs, offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES });
  const bus = openRunEventBus(config, logger);
  const stopWorker = options.workerProcess
    ? await startWorkerProcess(options, config, masterKeys)
    : await startInProcessWorker(options, config, { database, bus, blobs, logger });
  const apiTemporal = await connectTemporalClient(options.temporalAddress, config.TEMPORAL_NAMESPACE, {
    dataConverter,
  });
  const app = await buildApp({ config, db: database.db, temporal: apiTemporal, logger, bus });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const temporal = await connectTemporalClient(options.temporalAddress, config.TEMPORAL_NAMESPACE, {
    dataConverter,
  });
  return {
    config,
    database,
    temporal,
    url,
    apiKey,
    bus,
    request: createApiRequest(url, apiKey),
    async stop() {
      await app.close();
      await stopWorker();
      await bus.close();
      await Promise.all([apiTemporal.connection.close(), temporal.connection.close()]);
      await database.close();
    },
  };
}

/** The agent worker in this process, its activities on the clock; answers how to stop it. */
async function startInProcessWorker(
  options: BenchRuntimeOptions,
  config: Config,
  parts: {
    database: DatabaseHandle;
    bus: ReturnType<typeof openRunEventBus>;
    blobs: ReturnType<typeof openBlobStore>;
    logger: ReturnType<typeof createLogger>;
  },
): Promise<() => Promise<void>> {
  const { worker, connection } = await createWorker({
    config,
    db: parts.database.db,
    logger: parts.logger,
    blobs: parts.blobs,
    bus: parts.bus,
    temporalAddress: options.temporalAddress,
    workerOptions: { interceptors: { activity: [options.clock.interceptor] } },
    ...options.workerAgents,
  });
  const workerDone = worker.run().catch((error: unknown) => parts.logger.error({ err: error }, 'agent worker stopped'));
  return async () => {
    worker.shutdown();
    await workerDone;
    await connection.close();
  };
}

/** The agent worker as a process of its own on the same database, task queue and Redis. */
async function startWorkerProcess(
  options: BenchRuntimeOptions,
  config: Config,
  masterKeys: string,
): Promise<() => Promise<void>> {
  const worker = serviceProcess('bench-worker', workerMain, {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    AR_BLOB_DIR: config.blobDir,
    AR_MASTER_KEYS: masterKeys,
    AR_WEBHOOK_ALLOWED_NETWORKS: config.AR_WEBHOOK_ALLOWED_NETWORKS.join(','),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    LOG_LEVEL: 'warn',
  });
  worker.start();
  const connection = await Connection.connect({ address: options.temporalAddress });
  try {
    const target = { connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE };
    await awaitWorkerPolling(target, worker.pid ?? 0, 90_000);
  } catch (error) {
    await worker.stop();
    throw new Error(`the worker process did not come up\n${worker.stderrTail}`, { cause: error });
  } finally {
    await connection.close();
  }
  return () => worker.stop();
}
