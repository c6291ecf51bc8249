import {
  ConfigError,
  createCallbackLinks,
  createDataConverter,
  createLogger,
  createRunService,
  createTelemetry,
  keepRetentionScheduled,
  loadConfig,
  onShutdownSignal,
  openBlobStore,
  openDatabase,
  openRunCache,
  openRunEventBus,
  postgresTargetOf,
  prepareSchema,
  requireSharedBackends,
  runServiceLimitsOf,
  SchemaBehindError,
  seedDefaults,
  temporalConnectionSettings,
} from '@agent-runtime/core';
import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { buildApp } from './app.ts';
import { startRunReconciler } from './run-reconciler.ts';

// Composition root of the API process (production mode: PostgreSQL and a Temporal cluster).
try {
  const config = requireSharedBackends(loadConfig(process.env));
  const logger = createLogger(config.LOG_LEVEL, 'agent-runtime-api');
  const telemetry = createTelemetry(config, 'agent-runtime-api');
  const database = await openDatabase(await postgresTargetOf(config));
  await prepareSchema(database.db, config.AR_MIGRATE_ON_START);
  const seed = await seedDefaults(database.db, { bootstrapApiKey: config.AR_BOOTSTRAP_API_KEY });
  if (seed.createdApiKey && !config.AR_BOOTSTRAP_API_KEY) {
    process.stdout.write(`Admin API key of tenant "${seed.tenant.name}" (shown only now): ${seed.createdApiKey}\n`);
  }
  // Large payloads and artifacts live in the blob store the workers share.
  const blobs = openBlobStore(config);
  // Connection.lazy: the API starts and serves reads while Temporal is still coming up.
  const temporal = new Client({
    connection: Connection.lazy(temporalConnectionSettings(config)),
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter({
      blobs,
      offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES,
    }),
    // A started workflow continues the trace of the request that started it.
    interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
  });
  // Redis brings every worker's events to every API instance; without it streams and long
  // polls still end, but only see new events when they re-read the database.
  if (!config.REDIS_URL) logger.warn('REDIS_URL is not set: live run events arrive by database polling (every 5 s)');
  const bus = openRunEventBus(config, logger);
  const runCache = openRunCache(config, database.db, logger);
  // The one run lifecycle of this process: the routes and the reconciler share it.
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
  await app.listen({ host: config.HOST, port: config.PORT });
  const stopReconciler = startRunReconciler({ runs, logger });
  // Retention passes run on the workers, on a Temporal Schedule every API start makes sure of.
  const retentionScheduling = new AbortController();
  const retentionScheduled = keepRetentionScheduled(
    temporal,
    { taskQueue: config.TEMPORAL_TASK_QUEUE, intervalMinutes: config.AR_RETENTION_INTERVAL_MINUTES },
    logger,
    retentionScheduling.signal,
  );

  const shutdown = async () => {
    await app.close();
    await stopReconciler();
    retentionScheduling.abort();
    await retentionScheduled;
    await bus.close();
    await runCache.close();
    await temporal.connection.close();
    await database.close();
    await telemetry.shutdown();
    process.exit(0);
  };
  onShutdownSignal(() => void shutdown());
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof SchemaBehindError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
