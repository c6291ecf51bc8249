import { randomBytes } from 'node:crypto';
import { buildApp } from '@agent-runtime/api';
import {
  createDataConverter,
  createLogger,
  loadConfig,
  migrateToLatest,
  openBlobStore,
  openDatabase,
  openRunEventBus,
  seedDefaults,
  type Config,
  type DatabaseHandle,
} from '@agent-runtime/core';
import { connectTemporalClient } from '@agent-runtime/embedded';
import { createWorker } from '@agent-runtime/worker';
import type { Client } from '@temporalio/client';
import type { ActivityClock } from './activity-clock.ts';

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
  /** fetch against the API with the seeded admin key and a JSON body. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

/** Where the runtime's dependencies are. */
export interface BenchRuntimeOptions {
  /** PostgreSQL connection string of an empty database. */
  readonly databaseUrl: string;
  /** Temporal frontend `host:port`. */
  readonly temporalAddress: string;
  /** Records when the agent worker's activities run. */
  readonly clock: ActivityClock;
  /** Redis for the run event bus; unset: the in-process bus. */
  readonly redisUrl?: string;
}

/**
 * Migrates and seeds the database, then starts the agent worker (on a task queue of its
 * own) and the API listening on a free loopback port: the same composition as the embedded
 * runtime, minus the reconciler, which only matters after a crash.
 */
export async function startBenchRuntime(options: BenchRuntimeOptions): Promise<BenchRuntime> {
  const config = loadConfig({
    TEMPORAL_TASK_QUEUE: `bench-agent-${randomBytes(4).toString('hex')}`,
    DATABASE_POOL_SIZE: '20',
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
  });
  const logger = createLogger(config.LOG_LEVEL, 'bench');
  const database = await openDatabase({
    kind: 'postgres',
    url: options.databaseUrl,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  await migrateToLatest(database.db);
  const seed = await seedDefaults(database.db, {});
  const apiKey = seed.createdApiKey ?? '';
  const blobs = openBlobStore(config);
  const dataConverter = createDataConverter({ blobs, offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES });
  const bus = openRunEventBus(config, logger);
  const { worker, connection } = await createWorker({
    config,
    db: database.db,
    logger,
    blobs,
    bus,
    temporalAddress: options.temporalAddress,
    workerOptions: { interceptors: { activity: [options.clock.interceptor] } },
  });
  const workerDone = worker.run().catch((error: unknown) => logger.error({ err: error }, 'agent worker stopped'));
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
    request(method, path, body) {
      return fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
    async stop() {
      await app.close();
      worker.shutdown();
      await workerDone;
      await connection.close();
      await bus.close();
      await Promise.all([apiTemporal.connection.close(), temporal.connection.close()]);
      await database.close();
    },
  };
}
