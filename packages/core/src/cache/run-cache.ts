import type { Kysely } from 'kysely';
import { publishRunEventsBestEffort, type RunEventBus } from '../bus/event-bus.ts';
import { getRun, type RunChange } from '../db/repositories/runs.ts';
import type { Database } from '../db/schema.ts';
import type { Run } from '../domain/resources.ts';
import type { Logger } from '../logger.ts';

/**
 * Hot reads of a run (`GET /v1/runs/{id}`, long polls, SSE status checks), served from a
 * copy when there is one. The database stays the source of truth: a cache that fails or
 * forgets only makes reads slower. Build one per process in its composition root
 * (`openRunCache`); every process that writes runs must record its changes in it.
 */
export interface RunCache {
  /**
   * The tenant's run, as `getRun` would answer it: from the cache when it holds the run,
   * else from the database (and then cached). Another tenant's run is a `NotFoundError`.
   */
  getRun(tenantId: string, runId: string): Promise<Run>;
  /**
   * Replaces the cached copy with a change that has committed, unless the cache already
   * holds a newer version. Never rejects: on failure the old copy lives at most its TTL.
   */
  recordChange(change: RunChange): Promise<void>;
  /**
   * Drops the copy of a run deleted for good, so that no later read answers it, not even
   * one that read the database before the deletion committed. Never rejects: on failure the
   * copy lives at most its TTL.
   */
  forget(tenantId: string, runId: string): Promise<void>;
  /** Releases the cache's connections. */
  close(): Promise<void>;
}

/**
 * No cache: every read goes to the database. The embedded default (PGlite in the process
 * answers a primary-key read in well under a millisecond), and what runs without `REDIS_URL`,
 * where an in-process copy would go stale whenever a worker in another process writes.
 */
export class UncachedRunReads implements RunCache {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  getRun(tenantId: string, runId: string): Promise<Run> {
    return getRun(this.#db, tenantId, runId);
  }

  async recordChange(): Promise<void> {}

  async forget(): Promise<void> {}

  async close(): Promise<void> {}
}

/** What {@link announceRunChange} tells. */
export interface RunChangeAudience {
  readonly runCache: RunCache;
  readonly bus: RunEventBus;
  readonly logger: Logger;
}

/**
 * The one place a committed write of a run row is made known: the run cache first, then the
 * bus. In that order, because a long poll woken by the terminal event reads the run through
 * the cache and must find the new state there. The run service, the one writer of run
 * states, calls it right after each commit.
 * Never rejects; waits at most the cache's command timeout.
 */
export async function announceRunChange(audience: RunChangeAudience, change: RunChange): Promise<void> {
  await audience.runCache.recordChange(change);
  publishRunEventsBestEffort(audience.bus, change.run.id, change.events, audience.logger);
}
