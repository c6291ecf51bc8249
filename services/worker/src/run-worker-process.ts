import {
  ConfigError,
  createLogger,
  createTelemetry,
  loadConfig,
  onShutdownSignal,
  openBlobStore,
  openDatabase,
  openRunCache,
  openRunEventBus,
  postgresTargetOf,
  prepareSchema,
  requireSharedBackends,
  SchemaBehindError,
  temporalConnectionSettings,
} from '@agent-runtime/core';
import { createWorker } from './create-worker.ts';
import { startMetricsServer } from './metrics-server.ts';
import { resolveWorkerRegistrations, type WorkerRegistrations } from './worker-registrations.ts';

/** How {@link runWorkerProcess} names its process and what it registers (besides `AR_AGENTS_MODULE`'s). */
export interface WorkerProcessOptions extends WorkerRegistrations {
  /** The service name of its logs and telemetry. @default 'agent-runtime-worker' */
  readonly serviceName?: string;
}

/**
 * Composition root of a worker process in production mode: builds its dependencies from
 * `process.env`, registers `options`' agents, graphs and tools and those of the module
 * `AR_AGENTS_MODULE` names (a name both register is refused), runs until SIGINT/SIGTERM
 * (the worker stops polling and waits for in-flight activities), then closes what it opened.
 * A configuration error (`ConfigError`, or `SchemaBehindError`: a schema behind while
 * `AR_MIGRATE_ON_START=false`) does not reject: it ends the whole process with
 * `process.exit(2)`, its message on stderr, so call this only as the entry of a process of
 * its own, never from code that must outlive it.
 */
export async function runWorkerProcess(options: WorkerProcessOptions = {}): Promise<void> {
  const { serviceName = 'agent-runtime-worker', ...codeRegistrations } = options;
  try {
    const config = requireSharedBackends(loadConfig(process.env));
    const registrations = await resolveWorkerRegistrations(config.AR_AGENTS_MODULE, codeRegistrations);
    const logger = createLogger(config.LOG_LEVEL, serviceName);
    const telemetry = createTelemetry(config, serviceName);
    const metricsServer =
      config.WORKER_METRICS_PORT === undefined
        ? undefined
        : await startMetricsServer(telemetry.metrics.registry, config.HOST, config.WORKER_METRICS_PORT);
    const database = await openDatabase(await postgresTargetOf(config));
    await prepareSchema(database.db, config.AR_MIGRATE_ON_START);
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
      temporalConnection: temporalConnectionSettings(config),
      telemetry,
      ...registrations,
    });
    // Shutdown stops polling and waits for in-flight activities before run() returns.
    onShutdownSignal(() => worker.shutdown());
    await worker.run();
    await mcpConnections.close();
    await bus.close();
    await runCache.close();
    await connection.close();
    await database.close();
    await metricsServer?.close();
    await telemetry.shutdown();
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof SchemaBehindError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
