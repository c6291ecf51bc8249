import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import { findTemporalCli, portAccepts, startTemporalDevServer, uncappedDevServerConfig } from '@agent-runtime/embedded';
import {
  awaitWorkerPolling,
  createApiRequest,
  freePort,
  serviceProcess,
  startPostgres,
  testLogFd,
  testLogger,
  waitUntil,
  type RestartablePostgresServer,
  type ServiceProcess,
} from '@agent-runtime/test-harness';
import { Connection } from '@temporalio/client';

const apiMain = fileURLToPath(new URL('../../services/api/src/main.ts', import.meta.url));
const workerMain = fileURLToPath(new URL('../../services/worker/src/main.ts', import.meta.url));

/** A Temporal dev server on a SQLite file, which the test can crash. */
export interface CrashableTemporal {
  readonly address: string;
  /**
   * kill -9 of the dev server process (the pid in its pid file, not the supervisor). The
   * supervisor in `startTemporalDevServer` starts it again on the same port and SQLite file;
   * resolves once the new server accepts connections.
   */
  killAndAwaitRestart(timeoutMs: number): Promise<void>;
}

/**
 * The runtime in production mode, every part a process of its own on loopback: PostgreSQL,
 * a Temporal dev server (persisted to SQLite), the API and two workers.
 */
export interface ProductionStack {
  /** Base URL of the API. */
  readonly url: string;
  /** Connection string of the runtime's database. */
  readonly databaseUrl: string;
  readonly taskQueue: string;
  readonly postgres: RestartablePostgresServer;
  readonly temporal: CrashableTemporal;
  readonly api: ServiceProcess;
  readonly workers: readonly ServiceProcess[];
  /** fetch against the API with the admin key; JSON body when given. */
  request(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Resolves once `/readyz` answers 200 (database and Temporal reachable from the API). */
  awaitApiReady(timeoutMs: number): Promise<void>;
  /** Resolves once the worker with `pid` polls both the workflow and the activity task queue. */
  awaitWorkerPolling(pid: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL and Temporal, then the API, then two workers, each pointed by env
 * variables at the shared backends like a deployment would be. Resolves once the API is
 * ready and both workers poll.
 */
export async function startProductionStack(): Promise<ProductionStack> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-faults-'));
  const temporalPort = await freePort();
  const [postgres, devServer] = await Promise.all([
    startPostgres(),
    startTemporalDevServer({
      cliPath: findTemporalCli(process.env['TEMPORAL_CLI_PATH'], process.env['PATH'] ?? ''),
      port: temporalPort,
      dbFile: path.join(stateDir, 'temporal.sqlite'),
      stateDir,
      dynamicConfig: uncappedDevServerConfig,
      logger: testLogger('temporal-dev-server', 'error'),
    }),
  ]);
  const pidFile = path.join(stateDir, 'temporal.pid');
  const temporalPid = async () => Number(await readFile(pidFile, 'utf8').catch(() => '0'));
  const temporal: CrashableTemporal = {
    address: devServer.address,
    async killAndAwaitRestart(timeoutMs) {
      const pid = await temporalPid();
      if (!(pid > 0)) throw new Error('no Temporal dev server pid to kill');
      process.kill(pid, 'SIGKILL');
      await waitUntil(
        'the Temporal dev server to be restarted by its supervisor',
        async () => (await temporalPid()) !== pid && (await portAccepts(temporalPort)),
        timeoutMs,
      );
    },
  };

  const apiKey = generateApiKey();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const taskQueue = `faults-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: devServer.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    AR_DATA_DIR: path.join(stateDir, 'runtime'),
    AR_BOOTSTRAP_API_KEY: apiKey,
    AR_MASTER_KEYS: generateMasterKeyEntry('faults'),
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const api = serviceProcess('api', apiMain, env, { logFd: testLogFd() });
  const workers = [
    serviceProcess('worker-1', workerMain, env, { logFd: testLogFd() }),
    serviceProcess('worker-2', workerMain, env, { logFd: testLogFd() }),
  ];
  const connection = await Connection.connect({ address: devServer.address });

  const stack: ProductionStack = {
    url,
    databaseUrl: postgres.url,
    taskQueue,
    postgres,
    temporal,
    api,
    workers,
    request: createApiRequest(url, apiKey, { timeoutMs: 10_000 }),
    awaitApiReady: (timeoutMs) =>
      waitUntil(
        'the API to be ready',
        () =>
          fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
            (response) => response.ok,
            () => false,
          ),
        timeoutMs,
        200,
      ),
    awaitWorkerPolling: (pid, timeoutMs) =>
      awaitWorkerPolling({ connection, namespace: 'default', taskQueue }, pid, timeoutMs),
    async stop() {
      await Promise.allSettled(workers.map((worker) => worker.stop()));
      await api.stop();
      await connection.close().catch(() => undefined);
      await Promise.allSettled([devServer.stop(), postgres.stop()]);
      await rm(stateDir, { recursive: true, force: true });
    },
  };

  try {
    // The API migrates and seeds first; workers then find the schema in place.
    api.start();
    await stack.awaitApiReady(60_000);
    for (const worker of workers) worker.start();
    await Promise.all(workers.map((worker) => stack.awaitWorkerPolling(worker.pid ?? 0, 90_000)));
  } catch (error) {
    const tails = [api, ...workers].map((service) => `--- ${service.name} stderr:\n${service.stderrTail}`);
    await stack.stop();
    throw new Error(`the production stack did not come up\n${tails.join('\n')}`, { cause: error });
  }
  return stack;
}
