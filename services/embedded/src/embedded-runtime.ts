import path from 'node:path';
import { buildApp, startRunReconciler } from '@agent-runtime/api';
import {
  createCallbackLinks,
  createDataConverter,
  createRunService,
  createTelemetry,
  keepRetentionScheduled,
  migrateToLatest,
  openBlobStore,
  openDatabase,
  openRunCache,
  openRunEventBus,
  runServiceLimitsOf,
  seedDefaults,
  withEmbeddedMasterKeys,
  type Config,
  type Logger,
  type SeedResult,
} from '@agent-runtime/core';
import { createWorker, resolveWorkerRegistrations } from '@agent-runtime/worker';
import { connectTemporalClient } from './connect-temporal.ts';
import { findTemporalCli } from './find-temporal-cli.ts';
import { startTemporalDevServer, uncappedDevServerConfig, type TemporalDevServer } from './temporal-dev-server.ts';

/** A running embedded runtime. */
export interface EmbeddedRuntime {
  /** Base URL of the API. */
  readonly url: string;
  /** What this start seeded (the admin key appears only on the first start). */
  readonly seed: SeedResult;
  /** Graceful shutdown: stop taking requests, let in-flight steps finish, stop Temporal. */
  stop(): Promise<void>;
}

/**
 * Starts the whole runtime in this process: the database (PGlite in the data directory
 * unless `DATABASE_URL`), a supervised Temporal dev server (unless `TEMPORAL_ADDRESS`),
 * the worker (with the agents, graphs and tools of `AR_AGENTS_MODULE`) and the API. Runs
 * left unfinished by an earlier start resume on their own: Temporal keeps their workflows,
 * and the reconciler starts any still queued.
 */
export async function startEmbeddedRuntime(configured: Config, logger: Logger): Promise<EmbeddedRuntime> {
  // First, before anything is opened: a bad agents module is a configuration error.
  const registrations = await resolveWorkerRegistrations(configured.AR_AGENTS_MODULE);
  const keyed = await withEmbeddedMasterKeys(configured, logger);
  // One user on one machine: specs may start any stdio MCP server unless configured otherwise.
  const config = { ...keyed, AR_MCP_STDIO_COMMANDS: keyed.AR_MCP_STDIO_COMMANDS ?? ['*'] };
  const database = await openDatabase(
    config.DATABASE_URL
      ? { kind: 'postgres', url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.join(config.dataDir, 'pglite') },
  );
  await migrateToLatest(database.db);
  // One telemetry for the API and the worker: one trace pipeline, one /metrics registry.
  const telemetry = createTelemetry(config, 'agent-runtime');
  const seed = await seedDefaults(database.db, { bootstrapApiKey: config.AR_BOOTSTRAP_API_KEY });

  let devServer: TemporalDevServer | undefined;
  if (!config.TEMPORAL_ADDRESS) {
    devServer = await startTemporalDevServer({
      cliPath: findTemporalCli(config.TEMPORAL_CLI_PATH, config.PATH),
      port: config.TEMPORAL_DEV_PORT,
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      stateDir: config.dataDir,
      dynamicConfig: uncappedDevServerConfig,
      logger: logger.child({ component: 'temporal-dev-server' }),
    });
  }
  const temporalAddress = config.TEMPORAL_ADDRESS ?? devServer?.address ?? '';
  // One blob store for the client, the API and the worker: each reads the payloads the other
  // offloads, and the artifacts the others stored.
  const blobs = openBlobStore(config);
  const dataConverter = createDataConverter({ blobs, offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES });
  const temporal = await connectTemporalClient(temporalAddress, config.TEMPORAL_NAMESPACE, { dataConverter });

  // One bus for the worker and the API: events recorded by one reach the other's streams.
  const bus = openRunEventBus(config, logger);
  // Redis when configured (shared with separate API and worker processes), else none.
  const runCache = openRunCache(config, database.db, logger);
  const { worker, connection, mcpConnections } = await createWorker({
    config,
    db: database.db,
    logger,
    blobs,
    bus,
    runCache,
    temporalAddress,
    telemetry,
    ...registrations,
  });
  const workerDone = worker.run();
  workerDone.catch((error: unknown) => logger.fatal({ err: error }, 'worker stopped unexpectedly'));

  // The API's run lifecycle (the worker builds its own over its own Temporal connection):
  // the routes and the reconciler share it.
  const runs = createRunService({
    db: database.db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    runCache,
    bus,
    logger,
    limits: runServiceLimitsOf(config),
    callbackLinks: createCallbackLinks(config),
  });
  const app = await buildApp({ config, db: database.db, temporal, logger, bus, blobs, runCache, runs, telemetry });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  const stopReconciler = startRunReconciler({ runs, logger });
  // Retention passes run on the worker, on a Temporal Schedule every start makes sure of.
  const retentionScheduling = new AbortController();
  const retentionScheduled = keepRetentionScheduled(
    temporal,
    { taskQueue: config.TEMPORAL_TASK_QUEUE, intervalMinutes: config.AR_RETENTION_INTERVAL_MINUTES },
    logger,
    retentionScheduling.signal,
  );

  return {
    url,
    seed,
    async stop() {
      await app.close();
      await stopReconciler();
      retentionScheduling.abort();
      await retentionScheduled;
      worker.shutdown();
      await workerDone.catch(() => undefined);
      await mcpConnections.close();
      await bus.close();
      await runCache.close();
      await connection.close();
      await temporal.connection.close();
      await devServer?.stop();
      await database.close();
      await telemetry.shutdown();
    },
  };
}
