import { openTestDatabase, startRedis, type RedisServer } from '@agent-runtime/test-harness';
import { Redis } from 'ioredis';
import {
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/connect.ts';
import { createAgent } from '../db/repositories/agents.ts';
import { createAgentVersion } from '../db/repositories/agent-versions.ts';
import { applyRunTransition, createRun } from '../db/repositories/runs.ts';
import { createTenant } from '../db/repositories/tenants.ts';
import { agentSpecSchema } from '../domain/agent-spec.ts';
import type { RunStatus } from '../domain/run-status.ts';
import { createLogger } from '../logger.ts';
import { RedisRunCache } from './redis-run-cache.ts';

const logger = createLogger('silent', 'redis-run-cache-test');
const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

/** Counts the queries sent through it, and can hold back their results until released. */
class QueryProbe implements KyselyPlugin {
  queries = 0;
  #gate: Promise<void> | undefined;
  #release: (() => void) | undefined;

  transformQuery(args: PluginTransformQueryArgs) {
    this.queries += 1;
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await this.#gate;
    return args.result;
  }

  /** Results wait from now until the returned function is called. */
  hold(): () => void {
    const gate = Promise.withResolvers<void>();
    this.#gate = gate.promise;
    this.#release = gate.resolve;
    return () => {
      this.#gate = undefined;
      this.#release?.();
    };
  }
}

describe('RedisRunCache against a real redis-server and PostgreSQL', () => {
  let redis: RedisServer;
  let database: DatabaseHandle;
  let tenantId: string;
  let otherTenantId: string;
  let agentId: string;
  const caches: RedisRunCache[] = [];

  /**
   * A cache as one process would have it, over its own view of the database, once connected:
   * before that every read goes to the database, which would blur the query counts.
   */
  async function openCache(probe = new QueryProbe()) {
    const cache = new RedisRunCache({ url: redis.url, db: database.db.withPlugin(probe), logger });
    caches.push(cache);
    await cache.whenReady();
    return { cache, probe };
  }

  async function newRun(): Promise<string> {
    return (await createRun(database.db, { tenantId, agentId, input: 'go' })).run.id;
  }

  async function move(cache: RedisRunCache, runId: string, to: RunStatus): Promise<void> {
    const change = await applyRunTransition(database.db, {
      tenantId,
      runId,
      to,
      // Any catalogued event will do: the cache reads only the version it raises.
      events: [
        {
          runId,
          type: 'message.received',
          step: 1,
          data: { messageId: to, content: `moved to ${to}`, sentBy: 'tester', interrupted: false },
          dedupeKey: `test.${to}`,
        },
      ],
    });
    await cache.recordChange(change);
  }

  beforeAll(async () => {
    redis = await startRedis();
    database = await openTestDatabase('postgres');
    tenantId = (await createTenant(database.db, 'cache-tenant')).id;
    otherTenantId = (await createTenant(database.db, 'cache-other-tenant')).id;
    agentId = (await createAgent(database.db, tenantId, { name: 'cached' })).id;
    await createAgentVersion(database.db, tenantId, agentId, spec);
  });
  afterAll(async () => {
    await Promise.all(caches.map((cache) => cache.close()));
    await database.close();
    await redis.stop();
  });

  it('serves a hit without touching the database, and every committed change at once', async () => {
    const { cache, probe } = await openCache();
    const { cache: writer } = await openCache();
    const runId = await newRun();
    expect((await cache.getRun(tenantId, runId)).status).toBe('queued');
    const afterMiss = probe.queries;
    expect(afterMiss).toBe(1);
    expect((await cache.getRun(tenantId, runId)).status).toBe('queued');
    expect(probe.queries).toBe(afterMiss);
    // Another process writes: the copy is replaced, and read without a query.
    for (const to of ['running', 'waiting', 'running', 'succeeded'] as const) {
      await move(writer, runId, to);
      expect((await cache.getRun(tenantId, runId)).status).toBe(to);
    }
    expect(probe.queries).toBe(afterMiss);
  });

  it("never answers another tenant's run, cached or not", async () => {
    const { cache } = await openCache();
    const runId = await newRun();
    await cache.getRun(tenantId, runId);
    await expect(cache.getRun(otherTenantId, runId)).rejects.toMatchObject({ code: 'not_found' });
    // A copy planted under the other tenant's key with the real owner inside is not served.
    const client = new Redis(redis.url);
    const planted = await client.hget(`ar:run:${tenantId}:${runId}`, 'run');
    await client.hset(`ar:run:${otherTenantId}:${runId}`, 'v', '999', 'run', planted ?? '');
    await client.quit();
    await expect(cache.getRun(otherTenantId, runId)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('never lets a reader that read before a commit put the older row back after the writer stored', async () => {
    const { cache: reader, probe } = await openCache();
    const { cache: writer } = await openCache();
    const { cache: observer, probe: observerProbe } = await openCache();
    const runId = await newRun();
    const release = probe.hold();
    // The reader misses, reads `queued` from the database, and is held before it stores.
    const slowRead = reader.getRun(tenantId, runId);
    while (probe.queries === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await move(writer, runId, 'running');
    release();
    expect((await slowRead).status).toBe('queued');
    // The stale row lost the compare-and-set: the copy is the writer's, served as a hit.
    expect((await observer.getRun(tenantId, runId)).status).toBe('running');
    expect(observerProbe.queries).toBe(0);
    // An older change recorded late loses too.
    const older = await applyRunTransition(database.db, { tenantId, runId, to: 'running' });
    await writer.recordChange({ ...older, run: { ...older.run, status: 'queued' }, version: older.version - 1 });
    expect((await observer.getRun(tenantId, runId)).status).toBe('running');
  });

  it('forgets a deleted run for good, even against a reader that read it before the deletion', async () => {
    const { cache: reader, probe } = await openCache();
    const { cache: deleter } = await openCache();
    const deleteForGood = (runId: string) =>
      database.db.transaction().execute(async (trx) => {
        await sql`select set_config('agent_runtime.deleting_runs', 'on', true)`.execute(trx);
        await trx.deleteFrom('run_events').where('run_id', '=', runId).execute();
        await trx.deleteFrom('runs').where('id', '=', runId).execute();
      });
    // A cached copy is gone with the run.
    const cachedId = await newRun();
    await deleter.getRun(tenantId, cachedId);
    await deleteForGood(cachedId);
    await deleter.forget(tenantId, cachedId);
    await expect(reader.getRun(tenantId, cachedId)).rejects.toMatchObject({ code: 'not_found' });
    // A reader that read the row before the deletion cannot put it back afterwards.
    const runId = await newRun();
    const before = probe.queries;
    const release = probe.hold();
    const slowRead = reader.getRun(tenantId, runId);
    while (probe.queries === before) await new Promise((resolve) => setTimeout(resolve, 5));
    await deleteForGood(runId);
    await deleter.forget(tenantId, runId);
    release();
    expect((await slowRead).id).toBe(runId);
    await expect(deleter.getRun(tenantId, runId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(reader.getRun(tenantId, runId)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('answers from the database, quickly, while Redis is down, flushed or hanging', async () => {
    const { cache, probe } = await openCache();
    const runId = await newRun();
    await cache.getRun(tenantId, runId);
    await redis.kill();
    let started = Date.now();
    await move(cache, runId, 'running');
    expect((await cache.getRun(tenantId, runId)).status).toBe('running');
    expect(Date.now() - started).toBeLessThan(1_000);
    await redis.restart();
    // Reconnected (empty): reads fill the cache again.
    for (let waited = 0; waited < 5_000; waited += 50) {
      const before = probe.queries;
      await cache.getRun(tenantId, runId);
      await cache.getRun(tenantId, runId);
      if (probe.queries === before + 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const client = new Redis(redis.url);
    try {
      await client.flushall();
      expect((await cache.getRun(tenantId, runId)).status).toBe('running');
      // A Redis that hangs (stopped, connections open) costs a command timeout, not a failure.
      const pid = redis.pid ?? 0;
      process.kill(pid, 'SIGSTOP');
      try {
        started = Date.now();
        await move(cache, runId, 'succeeded');
        expect((await cache.getRun(tenantId, runId)).status).toBe('succeeded');
        expect(Date.now() - started).toBeLessThan(1_500);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      expect((await cache.getRun(tenantId, runId)).status).toBe('succeeded');
    } finally {
      await client.quit();
    }
  });
});
