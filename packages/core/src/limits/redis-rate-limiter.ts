import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { RateLimitDecision, RateLimitRule, RequestRateLimiter } from './rate-limiter.ts';

/**
 * {@link gcraStep} in Lua, so that reading and moving a key's TAT is one atomic step on the
 * Redis server, whichever API instance asks. The clock is Redis's own (`TIME`), so instances
 * with skewed clocks still share one budget. The key expires when its bucket is full again.
 * Returns `{allowed, remaining, retryAfterMs, resetMs}`.
 */
const gcraScript = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local nextTat = tat + interval
local allowAt = nextTat - interval * burst
if now < allowAt then
  return {0, 0, math.ceil(allowAt - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.max(1, math.ceil(nextTat - now)))
return {1, math.floor((now - allowAt) / interval), 0, math.ceil(nextTat - now)}
`;
const gcraScriptSha = createHash('sha1').update(gcraScript).digest('hex');

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  readonly logger: Logger;
  /** Longest wait for Redis per request; past it the request is let through. @default 100 */
  readonly timeoutMs?: number;
  /** Prefix of the per-tenant keys. @default ar:rate: */
  readonly keyPrefix?: string;
}

/** How often an unreachable Redis is logged at most. */
const warnEveryMs = 10_000;

/**
 * Counts requests in Redis, so every API instance shares each tenant's budget. Fails open:
 * while Redis is down or slower than `timeoutMs`, requests are let through uncounted (a
 * Redis outage must not take the API down; the gateway's coarse per-IP limit still holds).
 * Commands never queue while disconnected, so an outage costs no waiting at all.
 */
export class RedisRateLimiter implements RequestRateLimiter {
  readonly #redis: Redis;
  readonly #logger: Logger;
  readonly #prefix: string;
  #lastWarnAt = 0;

  constructor(options: RedisRateLimiterOptions) {
    this.#logger = options.logger;
    this.#prefix = options.keyPrefix ?? 'ar:rate:';
    this.#redis = new Redis(options.url, {
      connectionName: 'agent-runtime-rate-limit',
      commandTimeout: options.timeoutMs ?? 100,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    this.#redis.on('error', (error: Error) => this.#logger.debug({ err: error }, 'redis rate limiter error'));
  }

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision | undefined> {
    const args = [1, `${this.#prefix}${key}`, 60_000 / rule.perMinute, rule.burst] as const;
    try {
      const reply = (await this.#redis.evalsha(gcraScriptSha, ...args).catch((error: unknown) => {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return this.#redis.eval(gcraScript, ...args);
      })) as [number, number, number, number];
      const [allowed, remaining, retryAfterMs, resetMs] = reply;
      return {
        allowed: allowed === 1,
        limit: rule.burst,
        remaining,
        resetSeconds: Math.ceil(resetMs / 1000),
        retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)),
      };
    } catch (error) {
      const now = Date.now();
      if (now - this.#lastWarnAt > warnEveryMs) {
        this.#lastWarnAt = now;
        this.#logger.warn({ err: error }, 'rate limiter cannot reach Redis; requests pass uncounted meanwhile');
      }
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
    return Promise.resolve();
  }
}
