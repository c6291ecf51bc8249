import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import {
  approveCall,
  createPostgresDatabase,
  expectDeltasMatchStoredText,
  freePort,
  readRunEventStream,
  repoRoot,
  seededRandom,
  serviceProcess,
  startRedis,
  streamingSpec,
  testLogFd,
  waitForPendingApproval,
  type ApiCaller,
  type RedisServer,
  type ServiceProcess,
  type StreamedRunEvent,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const apiMain = path.join(repoRoot, 'services/api/src/main.ts');
const workerMain = path.join(repoRoot, 'services/worker/src/main.ts');

/** A run of `steps` model steps, each calling the sleep tool for `sleepSeconds`. */
function sleepingSpec(steps: number, sleepSeconds: number) {
  return {
    model: {
      provider: 'scripted',
      replies: [
        ...Array.from({ length: steps }, (_, index) => ({
          text: `step ${index + 1}`,
          toolCalls: [{ id: `s${index}`, name: 'sleep', arguments: { seconds: sleepSeconds } }],
        })),
        { text: 'done' },
      ],
    },
    tools: [{ name: 'sleep' }],
  };
}

/**
 * {@link streamingSpec} behind a gate: a first step without text whose tool call waits for
 * approval. Model deltas are not stored, so a stream that subscribes after a step began
 * streaming misses that step's first pieces; the test approves once the run's streams listen.
 */
const gatedStreamingSpec = {
  ...streamingSpec,
  model: {
    ...streamingSpec.model,
    replies: [
      { toolCalls: [{ id: 'gate', name: 'sleep', arguments: { seconds: 0 } }] },
      ...streamingSpec.model.replies,
    ],
  },
  tools: [...streamingSpec.tools, { name: 'sleep', requiresApproval: true }],
};

/** The approval id of the gate's call: `<step>-<call id>`. */
const gateApprovalId = '1-gate';

/**
 * Production shape: two API processes and a worker process, each with its own Redis bus,
 * sharing PostgreSQL, Temporal and a redis-server that the test starts (and crashes).
 */
describe('run events across two API instances over Redis, the worker in a third process', () => {
  const apiKey = generateApiKey();
  let redis: RedisServer;
  let dataDir: string;
  let apis: ServiceProcess[] = [];
  let worker: ServiceProcess;
  let urls: string[] = [];

  async function request(method: string, route: string, body?: unknown, baseUrl = urls[0]): Promise<Response> {
    return fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(40_000),
    });
  }

  /** The first API as one caller, for the harness's approval helpers. */
  const api: ApiCaller = { request: (method, route, body) => request(method, route, body) };

  async function awaitReady(url: string): Promise<void> {
    for (let waited = 0; ; waited += 200) {
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      if (waited > 60_000) throw new Error(`API at ${url} did not become ready`);
      await delay(200);
    }
  }

  async function createAgent(spec: unknown): Promise<string> {
    const name = `streamer-${randomBytes(3).toString('hex')}`;
    const agent = (await (await request('POST', '/v1/agents', { name })).json()) as { id: string };
    expect((await request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
    return agent.id;
  }

  async function startRun(agentId: string, baseUrl?: string): Promise<string> {
    const response = await request('POST', '/v1/runs', { agentId, input: 'go' }, baseUrl);
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  async function storedEvents(runId: string): Promise<StreamedRunEvent[]> {
    const page = (await (await request('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
      items: StreamedRunEvent[];
    };
    return page.items;
  }

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-sse-redis-'));
    const ports = [await freePort(), await freePort()];
    urls = ports.map((port) => `http://127.0.0.1:${port}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: await createPostgresDatabase(),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `sse-redis-${randomBytes(4).toString('hex')}`,
      AR_DATA_DIR: dataDir,
      AR_BOOTSTRAP_API_KEY: apiKey,
      AR_MASTER_KEYS: generateMasterKeyEntry('sse-test'),
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
    };
    apis = ports.map((port, index) =>
      serviceProcess(`api-${index + 1}`, apiMain, { ...env, PORT: String(port) }, { logFd: testLogFd() }),
    );
    worker = serviceProcess('worker', workerMain, env, { logFd: testLogFd() });
    try {
      // One API migrates and seeds first; the other and the worker find everything in place.
      for (const [index, api] of apis.entries()) {
        api.start();
        await awaitReady(urls[index] ?? '');
      }
      worker.start();
    } catch (error) {
      const tails = [...apis, worker].map((service) => `--- ${service.name} stderr:\n${service.stderrTail}`);
      throw new Error(`the stack did not come up\n${tails.join('\n')}`, { cause: error });
    }
  });

  afterAll(async () => {
    await Promise.allSettled([worker.stop(), ...apis.map((api) => api.stop())]);
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams live across instances: resumed streams alternate between the APIs and equal the stored events', async () => {
    const agentId = await createAgent(sleepingSpec(6, 0.1));
    const runIds = await Promise.all([0, 1, 2].map((index) => startRun(agentId, urls[index % 2])));
    // One clean stream per run on the second API, to time delivery; one resuming stream
    // that reconnects to the other API after every drop.
    const latencies: number[] = [];
    const [clean, resumed] = await Promise.all([
      Promise.all(
        runIds.map((runId) =>
          readRunEventStream(runId, {
            apiKey,
            baseUrls: [urls[1] ?? ''],
            onMessage: (message) => {
              if (message.id === undefined) return;
              const event = JSON.parse(message.data) as StreamedRunEvent;
              latencies.push(Date.now() - Date.parse(event.createdAt));
            },
          }),
        ),
      ),
      Promise.all(
        runIds.map((runId, index) =>
          readRunEventStream(runId, { apiKey, baseUrls: urls, drops: 8, random: seededRandom(2_000 + index) }),
        ),
      ),
    ]);
    for (const [index, runId] of runIds.entries()) {
      const stored = await storedEvents(runId);
      expect(stored.at(-1)?.type).toBe('run.succeeded');
      expect(clean[index]?.events).toEqual(stored);
      expect(resumed[index]?.events).toEqual(stored);
      expect(resumed[index]?.drops).toBeGreaterThanOrEqual(4);
    }
    // Recorded by the worker process, received through Redis by the other API's client: the
    // events come live, far sooner than the 5 s database catch-up would bring them.
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length * 0.9)]).toBeLessThan(1_000);
  });

  it('streams model deltas recorded by the worker process to clients of both APIs, resumes staying exact', async () => {
    const agentId = await createAgent(gatedStreamingSpec);
    const runIds = await Promise.all([startRun(agentId), startRun(agentId, urls[1])]);
    // A clean stream has subscribed to the bus once it receives its first message (the API
    // subscribes before it reads the stored events): only then may the run's steps stream.
    const listening = runIds.map(() => Promise.withResolvers<void>());
    const streams = Promise.all([
      Promise.all(
        runIds.map((runId, index) =>
          readRunEventStream(runId, {
            apiKey,
            baseUrls: [urls[index % 2] ?? ''],
            onMessage: () => listening[index]?.resolve(),
          }),
        ),
      ),
      Promise.all(
        runIds.map((runId, index) =>
          readRunEventStream(runId, { apiKey, baseUrls: urls, drops: 5, random: seededRandom(4_000 + index) }),
        ),
      ),
    ]);
    const gatesOpened = Promise.all(
      runIds.map(async (runId, index) => {
        await listening[index]?.promise;
        await waitForPendingApproval(api, runId, gateApprovalId);
        await approveCall(api, runId, gateApprovalId);
      }),
    );
    const [[clean, resumed]] = await Promise.all([streams, gatesOpened]);
    for (const [index, runId] of runIds.entries()) {
      const stored = await storedEvents(runId);
      expect(stored.at(-1)?.type).toBe('run.succeeded');
      expect(clean[index]?.events).toEqual(stored);
      expect(resumed[index]?.events).toEqual(stored);
      const texts = new Map(
        stored
          .filter((event) => event.type === 'model.completed')
          .map((event) => [event.step ?? 0, (event.data as { text: string }).text]),
      );
      expectDeltasMatchStoredText(clean[index]?.messages ?? [], texts);
    }
  });

  it('loses no event when Redis crashes mid-stream: the stream completes from the database', async () => {
    const agentId = await createAgent(sleepingSpec(10, 0.25));
    const runIds = await Promise.all([startRun(agentId), startRun(agentId, urls[1])]);
    let received = 0;
    const receivedAtCrash: number[] = [];
    const crashes = (async () => {
      // Crash Redis twice once the streams are under way, each time while steps are running.
      for (let crash = 0; crash < 2; crash += 1) {
        for (let waited = 0; received < 6 + crash * 12 && waited < 20_000; waited += 20) await delay(20);
        receivedAtCrash.push(received);
        await redis.restart();
      }
    })();
    const streams = await Promise.all(
      runIds.map((runId, index) =>
        readRunEventStream(runId, {
          apiKey,
          baseUrls: [urls[index % 2] ?? ''],
          drops: 3,
          random: seededRandom(3_000 + index),
          onMessage: () => (received += 1),
        }),
      ),
    );
    await crashes;
    // Both crashes came mid-stream, with most events still to come.
    const total = streams.reduce((sum, stream) => sum + stream.events.length, 0);
    expect(receivedAtCrash).toHaveLength(2);
    expect(Math.max(...receivedAtCrash)).toBeLessThan(total / 2);
    for (const [index, runId] of runIds.entries()) {
      const stored = await storedEvents(runId);
      expect(stored.at(-1)?.type).toBe('run.succeeded');
      expect(streams[index]?.events).toEqual(stored);
      // Only latency degrades: the stream ended within the catch-up period of the run's end.
      const endedAt = Date.parse(stored.at(-1)?.createdAt ?? '');
      expect(Date.now() - endedAt).toBeLessThan(15_000);
    }
  });
});
