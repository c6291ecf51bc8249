/** A tenant's request budget: a sustained rate, and how many requests may arrive at once. */
export interface RateLimitRule {
  /** Sustained requests per minute; 0 means unlimited. */
  readonly perMinute: number;
  /** Requests that may arrive at once: the size of the bucket. */
  readonly burst: number;
}

/** Whether one request fits its tenant's budget, and what the rate-limit headers say. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The bucket size (`RateLimit-Limit`). */
  readonly limit: number;
  /** Requests that would still be accepted right now (`RateLimit-Remaining`). */
  readonly remaining: number;
  /** Seconds until the bucket is full again (`RateLimit-Reset`). */
  readonly resetSeconds: number;
  /** Seconds until a refused request would be accepted (`Retry-After`); 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/**
 * Counts requests per key (a tenant) against a {@link RateLimitRule}: the generic cell rate
 * algorithm (GCRA), a token bucket kept as one timestamp per key. Answers `undefined` when
 * it could not count (its store is unreachable): the caller lets the request through.
 */
export interface RequestRateLimiter {
  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision | undefined>;
  close(): Promise<void>;
}

/** The state of one key: its theoretical arrival time (TAT) in epoch milliseconds. */
export interface GcraStep {
  readonly decision: RateLimitDecision;
  /** The key's new TAT, or undefined when a refusal leaves it unchanged. */
  readonly nextTatMs: number | undefined;
}

/**
 * One GCRA step. Each accepted request pushes the key's TAT one emission interval
 * (`60000 / perMinute` ms) further; a request is refused while the TAT lies more than
 * `burst` intervals ahead of now. The Redis limiter's Lua script is this same function.
 */
export function gcraStep(tatMs: number | undefined, nowMs: number, rule: RateLimitRule): GcraStep {
  const intervalMs = 60_000 / rule.perMinute;
  const tat = Math.max(tatMs ?? nowMs, nowMs);
  const nextTat = tat + intervalMs;
  const allowAt = nextTat - intervalMs * rule.burst;
  if (nowMs < allowAt) {
    return {
      decision: {
        allowed: false,
        limit: rule.burst,
        remaining: 0,
        resetSeconds: Math.ceil((tat - nowMs) / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil((allowAt - nowMs) / 1000)),
      },
      nextTatMs: undefined,
    };
  }
  return {
    decision: {
      allowed: true,
      limit: rule.burst,
      remaining: Math.floor((nowMs - allowAt) / intervalMs),
      resetSeconds: Math.ceil((nextTat - nowMs) / 1000),
      retryAfterSeconds: 0,
    },
    nextTatMs: nextTat,
  };
}
