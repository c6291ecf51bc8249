import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import {
  createPostgresDatabase,
  freePort,
  repoRoot,
  serviceProcess,
  startEmbeddedProcess,
  startRedis,
  stopProcess,
  testLogFd,
} from '@agent-runtime/test-harness';
import { inject } from 'vitest';

/** A runtime the SDK tests talk to over HTTP, as a user's client would. */
export interface SdkStack {
  /** Base URL of the API. */
  readonly url: string;
  /** The bootstrap key: platform admin and tenant admin of the default tenant. */
  readonly apiKey: string;
  stop(): Promise<void>;
}

async function awaitReady(url: string): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (waited > 60_000) throw new Error(`${url} did not become ready`);
    await delay(200);
  }
}

/** The one-command runtime (PGlite, its own Temporal dev server, in-process bus) as a process. */
export async function startEmbeddedStack(): Promise<SdkStack> {
  const apiKey = generateApiKey();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-sdk-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startEmbeddedProcess(url, {
    ...process.env,
    AR_DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(await freePort()),
    AR_BOOTSTRAP_API_KEY: apiKey,
    AR_TENANT_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
  });
  return {
    url,
    apiKey,
    async stop() {
      await stopProcess(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Production mode: the API and a worker as processes on PostgreSQL, the shared Temporal server and Redis. */
export async function startProductionStack(): Promise<SdkStack> {
  const apiKey = generateApiKey();
  const redis = await startRedis();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-sdk-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: await createPostgresDatabase(),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `sdk-${randomBytes(4).toString('hex')}`,
    REDIS_URL: redis.url,
    AR_DATA_DIR: dataDir,
    AR_BOOTSTRAP_API_KEY: apiKey,
    AR_MASTER_KEYS: generateMasterKeyEntry('sdk'),
    AR_TENANT_RATE_LIMIT: '0',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const api = serviceProcess('api', path.join(repoRoot, 'services/api/src/main.ts'), env, { logFd: testLogFd() });
  const worker = serviceProcess('worker', path.join(repoRoot, 'services/worker/src/main.ts'), env, {
    logFd: testLogFd(),
  });
  const stop = async () => {
    await Promise.allSettled([api.stop(), worker.stop()]);
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // The API migrates and seeds first; the worker finds everything in place.
    api.start();
    await awaitReady(url);
    worker.start();
  } catch (error) {
    await stop();
    throw new Error(`the stack did not come up\n--- api stderr:\n${api.stderrTail}`, { cause: error });
  }
  return { url, apiKey, stop };
}
