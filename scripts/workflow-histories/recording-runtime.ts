import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '@agent-runtime/api';
import {
  createDataConverter,
  createLogger,
  generateMasterKeyEntry,
  InProcessRunEventBus,
  loadConfig,
  migrateToLatest,
  openBlobStore,
  openDatabase,
  seedDefaults,
  type DatabaseHandle,
} from '@agent-runtime/core';
import { createApiRequest } from '@agent-runtime/test-harness';
import { createWorker } from '@agent-runtime/worker';
import { Client, Connection } from '@temporalio/client';
import { recordingCodeAgents } from './representative-runs.ts';

/**
 * Who the recorded histories say started, signalled and worked on the runs. Fixed names
 * instead of the SDK's default `pid@hostname`, so histories name no machine and a
 * re-recording changes no more lines than it must.
 */
const recorderIdentity = { client: 'record-histories-client', worker: 'record-histories-worker' } as const;

/** API and agent worker in this process, composed the way the embedded runtime composes them. */
export interface RecordingRuntime {
  /** The client the API uses; also reads results and histories. */
  readonly temporal: Client;
  readonly database: DatabaseHandle;
  /** The seeded tenant, which owns every recorded run. */
  readonly tenantId: string;
  /** The task queue the worker polls. */
  readonly taskQueue: string;
  /** Plaintext admin key of the seeded tenant: the one secret a history must never hold. */
  readonly apiKey: string;
  /** The seeded example agent (model → calculator → final answer). */
  readonly exampleAgentId: string;
  /** fetch against the API with the admin key and a JSON body. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

/** Where the runtime's dependencies are. */
export interface RecordingRuntimeOptions {
  /** PostgreSQL connection string of an empty database. */
  readonly databaseUrl: string;
  /** Temporal frontend `host:port`. */
  readonly temporalAddress: string;
}

/**
 * Migrates and seeds the database, then starts the agent worker and the API on a free
 * loopback port, with a blob store in a temporary directory. No reconciler: every run is
 * started by the API while Temporal is up.
 */
export async function startRecordingRuntime(options: RecordingRuntimeOptions): Promise<RecordingRuntime> {
  const blobDir = await mkdtemp(path.join(tmpdir(), 'record-histories-blobs-'));
  const config = loadConfig({
    // Fixed: the task queue is written into every history, and the dev server is fresh.
    TEMPORAL_TASK_QUEUE: 'record-histories',
    AR_BLOB_DIR: blobDir,
    // Scripted failures would log as warnings; only real trouble should show.
    LOG_LEVEL: 'error',
    PORT: '0',
    // Signs the callback URLs of callback tools (never in a history: they are in run events).
    AR_MASTER_KEYS: generateMasterKeyEntry('record-histories'),
  });
  const logger = createLogger(config.LOG_LEVEL, 'record-histories');
  const database = await openDatabase({ kind: 'postgres', url: options.databaseUrl, poolSize: 10 });
  await migrateToLatest(database.db);
  const seed = await seedDefaults(database.db, {});
  const apiKey = seed.createdApiKey ?? '';
  const blobs = openBlobStore(config);
  const bus = new InProcessRunEventBus();
  const { worker, connection: workerConnection } = await createWorker({
    config,
    db: database.db,
    logger,
    blobs,
    bus,
    temporalAddress: options.temporalAddress,
    agents: recordingCodeAgents,
    workerOptions: { identity: recorderIdentity.worker },
  });
  const workerDone = worker.run().catch((error: unknown) => logger.error({ err: error }, 'agent worker stopped'));
  const connection = await Connection.connect({ address: options.temporalAddress });
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    identity: recorderIdentity.client,
    dataConverter: createDataConverter({ blobs, offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES }),
  });
  const app = await buildApp({ config, db: database.db, temporal, logger, bus });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    temporal,
    database,
    tenantId: seed.tenant.id,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    apiKey,
    exampleAgentId: seed.exampleAgent?.id ?? '',
    request: createApiRequest(url, apiKey),
    async stop() {
      await app.close();
      worker.shutdown();
      await workerDone;
      await workerConnection.close();
      await connection.close();
      await database.close();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}
