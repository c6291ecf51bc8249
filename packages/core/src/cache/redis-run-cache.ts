import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { getVersionedRun, type RunChange } from '../db/repositories/runs.ts';
import type { Database } from '../db/schema.ts';
import type { Run } from '../domain/resources.ts';
import type { Logger } from '../logger.ts';
import { rateLimitedWarning } from './rate-limited-warning.ts';
import type { RunCache } from './run-cache.ts';

/** Options of {@link RedisRunCache}. */
export interface RedisRunCacheOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /**
   * How long a copy lives. Bounds how stale a copy can be served when a writer could not
   * reach Redis after its commit (the only way a copy goes stale). @default 30
   */
  readonly ttlSeconds?: number;
  /** Longest wait for one Redis command before the database answers instead. @default 250 */
  readonly commandTimeoutMs?: number;
  /** Prefix of the keys. @default ar:run: */
  readonly keyPrefix?: string;
}

/**
 * Stores `ARGV[2]` (a run's JSON) at version `ARGV[1]` unless the key holds a newer version
 * (or, with `ARGV[4]` = 0, the same one), and gives it the TTL `ARGV[3]` ms. Atomic in Redis,
 * so a reader that read the database before a write committed and stores after the writer
 * did can never put the older row back.
 */
const storeIfNewerScript = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v'))
local version = tonumber(ARGV[1])
if current and (current > version or (current == version and ARGV[4] == '0')) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'run', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;
const storeIfNewerSha = createHash('sha1').update(storeIfNewerScript).digest('hex');

/** Reconnect after 100 ms, 200 ms, … at most 2 s apart, as the event bus does. */
const reconnectDelayMs = (attempt: number) => Math.min(attempt * 100, 2_000);

/**
 * The run cache over Redis, shared by every API instance and worker. Read-through: a miss
 * reads PostgreSQL and stores the row; write-through: each committed change replaces the copy
 * (`recordChange`, called by `announceRunChange`).
 *
 * **Never stale by a race.** Each copy carries the run's version (`last_event_seq`, raised
 * by every write of the run in its transaction) and is only ever replaced by a newer one
 * (a Lua compare-and-set). A writer stores its version after its commit; a reader stores the
 * version it read. A reader holding an older row than a writer's therefore loses, whichever
 * of them reaches Redis first. The only window in which a copy is older than the database is
 * between a writer's commit and its store (well under a millisecond, unless the writer dies
 * or cannot reach Redis right then: then the TTL bounds it).
 *
 * **Tenancy.** Keys hold the tenant (`ar:run:<tenantId>:<runId>`), and a copy is used only if
 * its own `tenantId` and `id` match the request: one tenant never reads another's run.
 *
 * **Failures.** Commands time out after `commandTimeoutMs`, and fail at once while
 * disconnected (no offline queue). A failed read goes to the database, a failed store is
 * dropped; requests never fail because of Redis. Warnings are rate limited.
 */
export class RedisRunCache implements RunCache {
  readonly #redis: Redis;
  readonly #db: Kysely<Database>;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #warn: (error: unknown) => void;

  constructor(options: RedisRunCacheOptions) {
    this.#db = options.db;
    this.#prefix = options.keyPrefix ?? 'ar:run:';
    this.#ttlMs = (options.ttlSeconds ?? 30) * 1000;
    this.#warn = rateLimitedWarning(options.logger, 'run cache unavailable; reading runs from the database');
    this.#redis = new Redis(options.url, {
      connectionName: 'agent-runtime-run-cache',
      retryStrategy: reconnectDelayMs,
      commandTimeout: options.commandTimeoutMs ?? 250,
      // Fail fast while disconnected: the database answers instead of a queue that waits.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    this.#redis.on('error', (error: Error) => options.logger.debug({ err: error }, 'run cache connection error'));
  }

  async getRun(tenantId: string, runId: string): Promise<Run> {
    const cached = await this.#redis.hget(this.#keyOf(tenantId, runId), 'run').catch((error: unknown) => {
      this.#warn(error);
      return null;
    });
    const run = cached === null ? undefined : parseRun(cached);
    if (run?.tenantId === tenantId && run.id === runId) return run;
    const read = await getVersionedRun(this.#db, tenantId, runId);
    // A copy of the same version stays: it may be a writer's, stored after an equal read.
    await this.#store(read.run, read.version, false);
    return read.run;
  }

  /**
   * Resolves once the connection to Redis is up. Commands are never queued while it is down
   * (a read goes to the database at once instead), so a caller that wants its first reads
   * served by the cache, e.g. a test counting database queries, waits for this first.
   */
  async whenReady(): Promise<void> {
    if (this.#redis.status !== 'ready') await once(this.#redis, 'ready');
  }

  async recordChange(change: RunChange): Promise<void> {
    // A writer's copy replaces one of the same version: a change that appended no event
    // keeps the version, and its new content must win over a reader's older row.
    await this.#store(change.run, change.version, true);
  }

  /**
   * Leaves a tombstone rather than no key: the highest version with no run, for the TTL. A
   * reader that read the run before the deletion committed then loses the compare-and-set,
   * and every later read misses, goes to the database and finds no run.
   */
  async forget(tenantId: string, runId: string): Promise<void> {
    const key = this.#keyOf(tenantId, runId);
    try {
      await this.#redis
        .multi()
        .hset(key, 'v', String(Number.MAX_SAFE_INTEGER), 'run', 'null')
        .pexpire(key, this.#ttlMs)
        .exec();
    } catch (error) {
      this.#warn(error);
    }
  }

  async close(): Promise<void> {
    const quit = this.#redis.quit().catch(() => undefined);
    await Promise.race([quit, new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]);
    this.#redis.disconnect();
  }

  #keyOf(tenantId: string, runId: string): string {
    return `${this.#prefix}${tenantId}:${runId}`;
  }

  async #store(run: Run, version: number, replaceEqual: boolean): Promise<void> {
    const key = this.#keyOf(run.tenantId, run.id);
    const args = [String(version), JSON.stringify(run), String(this.#ttlMs), replaceEqual ? '1' : '0'];
    try {
      await this.#redis.evalsha(storeIfNewerSha, 1, key, ...args).catch((error: unknown) => {
        // Redis restarted (or SCRIPT FLUSH) since the script was loaded: send it whole once.
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        return this.#redis.eval(storeIfNewerScript, 1, key, ...args);
      });
    } catch (error) {
      this.#warn(error);
    }
  }
}

/** A cached copy, or undefined when it is not one this cache wrote. */
function parseRun(json: string): Run | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Run) : undefined;
  } catch {
    return undefined;
  }
}
