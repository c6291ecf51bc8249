import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, type ApiInstance, type LiveOptions, type OidcVerifier } from '@agent-runtime/api';
import {
  createDataConverter,
  generateMasterKeyEntry,
  loadConfig,
  InProcessRunEventBus,
  migrateToLatest,
  openDatabase,
  openBlobStore,
  S3BlobStore,
  seedDefaults,
  type BlobStore,
  type Config,
  type DatabaseHandle,
  type Logger,
  type Telemetry,
  type RunCache,
} from '@agent-runtime/core';
import { connectTemporalClient } from '@agent-runtime/embedded';
import { createWorker, type WorkerDependencies, type WorkerRegistrations } from '@agent-runtime/worker';
import type { Client } from '@temporalio/client';
import { inject } from 'vitest';
import { createApiRequest } from './api-request.ts';
import { openTestDatabase, type DatabaseKind } from './databases.ts';
import { testLogger } from './test-logs.ts';

/** API + worker in this process, on a database of their own and the shared Temporal server. */
export interface TestRuntime {
  readonly app: ApiInstance;
  /** Base URL of the listening API. */
  readonly url: string;
  readonly database: DatabaseHandle;
  readonly temporal: Client;
  /**
   * The blob store of the API and the worker: a temporary directory (`config.blobDir`), or
   * a prefix of its own in the test S3 server's bucket.
   */
  readonly blobs: BlobStore;
  readonly config: Config;
  /** The bus the API and the worker share (in-process). */
  readonly bus: InProcessRunEventBus;
  /** Admin API key of the seeded default tenant. */
  readonly apiKey: string;
  readonly tenantId: string;
  /** The seeded example agent. */
  readonly exampleAgentId: string;
  /** fetch against the API with the admin key and JSON bodies. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /**
   * Starts another API instance on the runtime's database, Temporal client and bus, with its
   * own `config` (limits, Redis…), as a second replica would be; stopped with the runtime.
   * @returns its base URL
   */
  startExtraApi(config: Config): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Options of {@link startTestRuntime}; the worker registers the agents, graphs and tools given
 * (by default none, and the shipped builtin tools).
 */
export interface TestRuntimeOptions extends WorkerRegistrations {
  /** @default postgres */
  readonly database?: DatabaseKind;
  /** Whether to run a worker too. @default true */
  readonly worker?: boolean;
  readonly live?: LiveOptions;
  /** Extra configuration variables (e.g. `AR_OIDC_ISSUER`), over the harness's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** The API's OIDC verifier, for tests that tune its timing. @default from the configuration */
  readonly oidc?: OidcVerifier;
  /**
   * A PostgreSQL database to use (migrated here) instead of a new one, e.g. one a worker
   * process started by the test shares. Overrides `database`.
   */
  readonly databaseUrl?: string;
  /** @default filesystem */
  readonly blobStore?: 'filesystem' | 's3';
  /** Worker options for the runtime's worker (e.g. activity interceptors). @default none */
  readonly workerOptions?: WorkerDependencies['workerOptions'];
  /** The API's and the worker's logger. @default warnings and up on stdout */
  readonly logger?: Logger;
  /** The API's and the worker's telemetry. @default local, no export */
  readonly telemetry?: Telemetry;
  /** The run cache of the API and the worker, built over the runtime's database. @default none */
  readonly runCache?: (database: DatabaseHandle) => RunCache;
}

/** Starts a runtime for one test file; each gets its own task queue, so files never share work. */
export async function startTestRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const blobDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-blobs-'));
  const config = loadConfig({
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    AR_BLOB_DIR: blobDir,
    AR_MASTER_KEYS: generateMasterKeyEntry('test'),
    LOG_LEVEL: 'warn',
    PORT: '0',
    // Tests that poll hard would trip the default per-tenant request limit; the limit's own
    // tests set it in `env`.
    AR_TENANT_RATE_LIMIT: '0',
    ...options.env,
  });
  const logger = options.logger ?? testLogger('test');
  const telemetry = options.telemetry ? { telemetry: options.telemetry } : {};
  const database = options.databaseUrl
    ? await openDatabase({ kind: 'postgres', url: options.databaseUrl })
    : await openTestDatabase(options.database ?? 'postgres');
  if (options.databaseUrl) await migrateToLatest(database.db);
  const seed = await seedDefaults(database.db, {});
  const temporalAddress = inject('temporalAddress');
  const blobs = options.blobStore === 's3' ? openTestS3Store() : openBlobStore(config);
  const dataConverter = createDataConverter({ blobs, offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES });
  const temporal = await connectTemporalClient(temporalAddress, config.TEMPORAL_NAMESPACE, { dataConverter });
  const bus = new InProcessRunEventBus({ logger });
  const runCache = options.runCache?.(database);
  const created =
    options.worker === false
      ? undefined
      : await createWorker({
          config,
          db: database.db,
          logger,
          blobs,
          bus,
          temporalAddress,
          ...(options.tools ? { tools: options.tools } : {}),
          ...(options.agents ? { agents: options.agents } : {}),
          ...(options.aiSdkAgents ? { aiSdkAgents: options.aiSdkAgents } : {}),
          ...(options.openaiAgents ? { openaiAgents: options.openaiAgents } : {}),
          ...(options.openaiAgentsModelProvider
            ? { openaiAgentsModelProvider: options.openaiAgentsModelProvider }
            : {}),
          ...(options.graphs ? { graphs: options.graphs } : {}),
          ...(options.workerOptions ? { workerOptions: options.workerOptions } : {}),
          ...telemetry,
          ...(runCache ? { runCache } : {}),
        });
  const workerDone = created?.worker.run();
  const app = await buildApp({
    config,
    db: database.db,
    temporal,
    logger,
    bus,
    blobs,
    ...telemetry,
    ...(runCache ? { runCache } : {}),
    ...(options.live ? { live: options.live } : {}),
    ...(options.oidc ? { oidc: options.oidc } : {}),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const apiKey = seed.createdApiKey ?? '';
  const extraApps: ApiInstance[] = [];
  return {
    app,
    url,
    database,
    temporal,
    blobs,
    config,
    bus,
    apiKey,
    tenantId: seed.tenant.id,
    exampleAgentId: seed.exampleAgent?.id ?? '',
    request: createApiRequest(url, apiKey),
    async startExtraApi(extraConfig) {
      const extra = await buildApp({ config: extraConfig, db: database.db, temporal, logger, bus, blobs });
      extraApps.push(extra);
      return extra.listen({ host: '127.0.0.1', port: 0 });
    },
    async stop() {
      for (const extra of extraApps) await extra.close();
      await app.close();
      created?.worker.shutdown();
      await workerDone;
      await created?.mcpConnections.close();
      await created?.connection.close();
      await temporal.connection.close();
      await bus.close();
      await runCache?.close();
      await database.close();
      await rm(blobDir, { recursive: true, force: true });
      if (blobs instanceof S3BlobStore) blobs.destroy();
    },
  };
}

/** A store in the test S3 server's bucket, under a prefix of its own. */
function openTestS3Store(): S3BlobStore {
  const s3 = inject('s3');
  return new S3BlobStore({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    prefix: `runtime-${randomBytes(6).toString('hex')}`,
  });
}

/** Polls a run until it reaches a terminal state (or the timeout passes). */
export async function waitForRun(
  runtime: TestRuntime,
  runId: string,
  timeoutMs = 30_000,
): Promise<{ status: string; output: unknown; error: unknown; usage: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await runtime.request('GET', `/v1/runs/${runId}`);
    const run = (await response.json()) as {
      status: string;
      output: unknown;
      error: unknown;
      usage: Record<string, number>;
    };
    if (['succeeded', 'failed', 'cancelled', 'timed_out'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
