import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { RedisRunCache } from './redis-run-cache.ts';
import { UncachedRunReads, type RunCache } from './run-cache.ts';

/**
 * The run cache a process's configuration selects: Redis when `REDIS_URL` is set and
 * `AR_RUN_CACHE_TTL_SECONDS` is not 0, else none (reads go to the database). Every process
 * that reads or writes runs (API instances, workers) must select the same, so build it in
 * each composition root from the same configuration, and close it at shutdown.
 */
export function openRunCache(
  config: Pick<Config, 'REDIS_URL' | 'AR_RUN_CACHE_TTL_SECONDS'>,
  db: Kysely<Database>,
  logger: Logger,
): RunCache {
  if (!config.REDIS_URL || config.AR_RUN_CACHE_TTL_SECONDS === 0) return new UncachedRunReads(db);
  return new RedisRunCache({
    url: config.REDIS_URL,
    db,
    logger: logger.child({ component: 'run-cache' }),
    ttlSeconds: config.AR_RUN_CACHE_TTL_SECONDS,
  });
}
