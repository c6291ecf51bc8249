import { randomUUID } from 'node:crypto';
import {
  collectingListener,
  describeRunEventBusContract,
  eventually,
  runEvent,
  startRedis,
  type RedisServer,
} from '@agent-runtime/test-harness';
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
