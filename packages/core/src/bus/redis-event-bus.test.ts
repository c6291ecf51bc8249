import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  collectingListener,
  describeRunEventBusContract,
  eventually,
  runEvent,
  startRedis,
  type RedisServer,
} from '@agent-runtime/test-harness';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { RedisRunEventBus } from './redis-event-bus.ts';

const logger = createLogger('silent', 'redis-event-bus-test');

describe('RedisRunEventBus against a real redis-server', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  // Two buses, as two processes would have: only Redis connects them.
  describeRunEventBusContract('redis', async () => {
    const publisher = new RedisRunEventBus({ url: redis.url, logger });
    const subscriber = new RedisRunEventBus({ url: redis.url, logger });
    return {
      publisher,
      subscriber,
      close: async () => {
        await Promise.all([publisher.close(), subscriber.close()]);
      },
    };
  });

  it('tells listeners to resync once Redis is back after a crash, and delivers again', async () => {
    const publisher = new RedisRunEventBus({ url: redis.url, logger });
    const subscriber = new RedisRunEventBus({ url: redis.url, logger });
    try {
      const runId = randomUUID();
      const listener = collectingListener();
      const subscription = await subscriber.subscribe(runId, listener);
      await publisher.publish(runId, [runEvent(runId, 1)]);
      await eventually(() => listener.events.length === 1);

      const resyncsBefore = listener.resyncs;
      await redis.restart();
      await eventually(() => listener.resyncs === resyncsBefore + 1, 10_000);
      // The channel was subscribed again before the resync: new events flow.
      await publisher.publish(runId, [runEvent(runId, 2)]);
      await eventually(() => listener.events.length === 2, 10_000);
      expect(listener.events.map((event) => event.seq)).toEqual([1, 2]);

      // A run first followed while Redis is down still gets its resync when it is back.
      await redis.kill();
      const lateRunId = randomUUID();
      const late = collectingListener();
      const lateSubscription = await subscriber.subscribe(lateRunId, late);
      await redis.restart();
      await eventually(() => late.resyncs >= 1, 10_000);
      await publisher.publish(lateRunId, [runEvent(lateRunId, 1)]);
      await eventually(() => late.events.length === 1, 10_000);
      subscription.unsubscribe();
      lateSubscription.unsubscribe();
    } finally {
      await Promise.all([publisher.close(), subscriber.close()]);
    }
  });

  it("keeps a run's deltas in a Redis Stream, trimmed to its bound, expiring a TTL after the last one", async () => {
    const bus = new RedisRunEventBus({ url: redis.url, logger, deltaMaxEntries: 10, deltaTtlMs: 400 });
    const client = new Redis(redis.url);
    try {
      const runId = randomUUID();
      const key = `ar:run-deltas:${runId}`;
      for (let index = 0; index < 300; index += 1) {
        await bus.publishDeltas(runId, [{ runId, step: 1, attempt: 1, index, text: `<${index}>` }]);
      }
      // `MAXLEN ~` trims whole nodes of the stream: at least the bound is kept, the oldest go.
      const kept = await bus.readDeltas(runId);
      expect(kept.length).toBeGreaterThanOrEqual(10);
      expect(kept.length).toBeLessThan(300);
      expect(await client.xlen(key)).toBe(kept.length);
      expect(kept.map((delta) => delta.index)).toEqual(
        Array.from({ length: kept.length }, (_, offset) => 300 - kept.length + offset),
      );
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(400);
      for (const deadline = Date.now() + 2_000; (await client.exists(key)) === 1 && Date.now() < deadline;) {
        await delay(50);
      }
      expect(await bus.readDeltas(runId)).toEqual([]);
    } finally {
      client.disconnect();
      await bus.close();
    }
  });

  it('rejects a publish while Redis stays down instead of hanging', async () => {
    const publisher = new RedisRunEventBus({ url: redis.url, logger });
    try {
      await redis.kill();
      const started = Date.now();
      await expect(publisher.publish(randomUUID(), [runEvent(randomUUID(), 1)])).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await redis.restart();
      await publisher.close();
    }
  });
});
