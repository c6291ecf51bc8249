import {
  ConfigError,
  createLogger,
  createTelemetry,
  loadConfig,
  migrateToLatest,
  openBlobStore,
  openDatabase,
  openRunCache,
  openRunEventBus,
  requireSharedBackends,
} from '@agent-runtime/core';
import { createWorker } from './create-worker.ts';
import { startMetricsServer } from './metrics-server.ts';

// Composition root of a worker process (production mode). Run as many as you like.
try {
  const config = requireSharedBackends(loadConfig(process.env));
  const logger = createLogger(config.LOG_LEVEL, 'agent-runtime-worker');
  const telemetry = createTelemetry(config, 'agent-runtime-worker');
  const metricsServer =
    config.WORKER_METRICS_PORT === undefined
      ? undefined
      : await startMetricsServer(telemetry.metrics.registry, config.HOST, config.WORKER_METRICS_PORT);
  const database = await openDatabase({
    kind: 'postgres',
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  await migrateToLatest(database.db);
  const bus = openRunEventBus(config, logger);
  const runCache = openRunCache(config, database.db, logger);
  const { worker, connection, mcpConnections } = await createWorker({
    config,
    db: database.db,
    logger,
    blobs: openBlobStore(config),
    bus,
    runCache,
    temporalAddress: config.TEMPORAL_ADDRESS,
    telemetry,
    shutdownOnSignals: true,
  });
  // SIGINT/SIGTERM: the SDK stops polling and waits for in-flight activities (shutdownGraceTime).
  await worker.run();
  await mcpConnections.close();
  await bus.close();
  await runCache.close();
  await connection.close();
  await database.close();
  await metricsServer?.close();
  await telemetry.shutdown();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
