import { gcraStep, type RateLimitDecision, type RateLimitRule, type RequestRateLimiter } from './rate-limiter.ts';

/** Keys kept before expired ones are swept. */
const sweepAbove = 10_000;

/**
 * Counts requests in this process: right for one API instance (embedded); with several
 * instances each would allow the whole budget, so production uses the Redis limiter.
 */
export class InProcessRateLimiter implements RequestRateLimiter {
  readonly #tats = new Map<string, number>();
  readonly #now: () => number;

  /** @param now the clock, in epoch milliseconds (for tests). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    const now = this.#now();
    if (this.#tats.size > sweepAbove) this.#sweep(now);
    const { decision, nextTatMs } = gcraStep(this.#tats.get(key), now, rule);
    if (nextTatMs !== undefined) this.#tats.set(key, nextTatMs);
    return Promise.resolve(decision);
  }

  close(): Promise<void> {
    this.#tats.clear();
    return Promise.resolve();
  }

  /** A key whose TAT has passed has a full bucket: forgetting it changes nothing. */
  #sweep(now: number): void {
    for (const [key, tat] of this.#tats) if (tat <= now) this.#tats.delete(key);
  }
}
