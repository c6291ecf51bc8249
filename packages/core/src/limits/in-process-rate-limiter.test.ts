import { describe, expect, it } from 'vitest';
import { InProcessRateLimiter } from './in-process-rate-limiter.ts';
import { gcraStep } from './rate-limiter.ts';

describe('GCRA', () => {
  const rule = { perMinute: 60, burst: 3 };

  it('accepts a full burst at once, then one request per interval', () => {
    let tat: number | undefined;
    const decisions = [];
    for (let index = 0; index < 4; index += 1) {
      const step = gcraStep(tat, 1_000_000, rule);
      tat = step.nextTatMs ?? tat;
      decisions.push(step.decision);
    }
    expect(decisions.map((decision) => [decision.allowed, decision.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(decisions[3]).toMatchObject({ retryAfterSeconds: 1, limit: 3, resetSeconds: 3 });
    expect(gcraStep(tat, 1_000_999, rule).decision.allowed).toBe(false);
    expect(gcraStep(tat, 1_001_000, rule).decision).toMatchObject({ allowed: true, remaining: 0 });
    // Idle for a while: the bucket is full again, never fuller.
    expect(gcraStep(tat, 1_100_000, rule).decision).toMatchObject({ allowed: true, remaining: 2 });
  });
});

describe('in-process rate limiter', () => {
  it('keeps one budget per key', async () => {
    let now = 5_000_000;
    const limiter = new InProcessRateLimiter(() => now);
    const rule = { perMinute: 120, burst: 2 };
    const allowed = async (key: string) => (await limiter.consume(key, rule)).allowed;
    expect([await allowed('a'), await allowed('a'), await allowed('a')]).toEqual([true, true, false]);
    expect(await allowed('b')).toBe(true);
    now += 500;
    expect([await allowed('a'), await allowed('a')]).toEqual([true, false]);
    await limiter.close();
  });
});
