import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { InProcessRateLimiter } from './in-process-rate-limiter.ts';
import type { RequestRateLimiter } from './rate-limiter.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';

/**
 * The request rate limiter a process's configuration selects: Redis when `REDIS_URL` is set
 * (one budget per tenant across every API instance), else in this process. Build it once in
 * the composition root and close it at shutdown.
 */
export function openRateLimiter(
  config: Pick<Config, 'REDIS_URL' | 'AR_RATE_LIMIT_REDIS_TIMEOUT_MS'>,
  logger: Logger,
): RequestRateLimiter {
  return config.REDIS_URL
    ? new RedisRateLimiter({
        url: config.REDIS_URL,
        timeoutMs: config.AR_RATE_LIMIT_REDIS_TIMEOUT_MS,
        logger: logger.child({ component: 'rate-limiter' }),
      })
    : new InProcessRateLimiter();
}
