import { setTimeout as delay } from 'node:timers/promises';
import { getRun, listRunEvents, RedisRunCache, createLogger, type RunStatus } from '@agent-runtime/core';
import { startRedis, startTestRuntime, type RedisServer, type TestRuntime } from '@agent-runtime/test-harness';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Model steps with short sleeps, so that runs change state while clients read them. */
const sleepingSpec = {
  model: {
    provider: 'scripted',
    replies: [
      ...Array.from({ length: 6 }, (_, index) => ({
        text: `step ${index + 1}`,
        toolCalls: [{ id: `s${index}`, name: 'sleep', arguments: { seconds: 0.15 } }],
      })),
      { text: 'done' },
    ],
  },
  tools: [{ name: 'sleep' }],
};

const rank: Record<RunStatus, number> = {
  queued: 0,
  running: 1,
  waiting: 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
  timed_out: 2,
};

describe('run status reads through the Redis cache while Redis restarts and is flushed', () => {
  let redis: RedisServer;
  let runtime: TestRuntime;

  beforeAll(async () => {
    redis = await startRedis();
    runtime = await startTestRuntime({
      database: 'postgres',
      runCache: (database) =>
        new RedisRunCache({ url: redis.url, db: database.db, logger: createLogger('silent', 'run-cache') }),
    });
  });
  afterAll(async () => {
    await runtime.stop();
    await redis.stop();
  });

  it('answers every read correctly, never a 5xx, never an older state, and loses nothing', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'cached-status' })).json()) as {
      id: string;
    };
    expect((await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec: sleepingSpec })).status).toBe(201);
    const runIds = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const response = await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'go' });
        return ((await response.json()) as { id: string }).id;
      }),
    );
    const failures: string[] = [];
    const seen = new Map<string, RunStatus[]>(runIds.map((runId) => [runId, []]));
    let reads = 0;
    let done = false;
    async function readLoop(runId: string): Promise<void> {
      while (!done) {
        const response = await runtime.request('GET', `/v1/runs/${runId}`);
        reads += 1;
        if (response.status !== 200) failures.push(`${response.status}: ${await response.text()}`);
        else {
          const statuses = seen.get(runId) ?? [];
          const { status } = (await response.json()) as { status: RunStatus };
          const last = statuses.at(-1);
          if (last !== undefined && rank[status] < rank[last]) failures.push(`${runId} went ${last} → ${status}`);
          statuses.push(status);
        }
      }
    }
    const readers = runIds.flatMap((runId) => [readLoop(runId), readLoop(runId)]);
    // A long poll per run, answered through the cache too.
    const longPolls = runIds.map(async (runId) => {
      const response = await runtime.request('GET', `/v1/runs/${runId}?wait=30`);
      return ((await response.json()) as { status: RunStatus }).status;
    });
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      // Mid-traffic: a crash and restart (empty), then a FLUSHALL, then another crash.
      await delay(300);
      await redis.restart();
      await delay(300);
      await client.connect();
      await client.flushall();
      await delay(300);
      await redis.restart();
      expect(await Promise.all(longPolls)).toEqual(runIds.map(() => 'succeeded'));
      // Once the database says a run ended, every read says so too.
      for (const runId of runIds) {
        const stored = await getRun(runtime.database.db, runtime.tenantId, runId);
        expect(stored.status).toBe('succeeded');
        const read = (await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as unknown;
        expect(read).toEqual(stored);
        const events = await listRunEvents(runtime.database.db, runtime.tenantId, runId, { after: 0, limit: 1000 });
        expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
        expect(events.at(-1)?.type).toBe('run.succeeded');
      }
    } finally {
      done = true;
      await Promise.all(readers);
      client.disconnect();
    }
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(100);
    for (const statuses of seen.values()) expect(statuses.at(-1)).toBe('succeeded');
  });
});
