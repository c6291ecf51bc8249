import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs, retryPolicyOf, sleep } from './retry-policy.ts';

describe('retry policy', () => {
  const policy = retryPolicyOf({ maxRetries: 3, initialDelayMs: 100, maxDelayMs: 1_000 });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('waits as long as Retry-After says, unless that is longer than allowed', () => {
    expect(retryDelayMs(policy, 0, 1)).toBe(1_000);
    expect(retryDelayMs(policy, 0, 0)).toBe(0);
    expect(retryDelayMs(policy, 0, 2)).toBeUndefined();
  });

  it('backs off exponentially with jitter, bounded, and stops after the last retry', () => {
    expect(retryDelayMs(policy, 0, undefined, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 0, undefined, () => 0.999_999)).toBe(100);
    expect(retryDelayMs(policy, 2, undefined, () => 0.999_999)).toBe(400);
    expect(
      retryDelayMs(
        retryPolicyOf({ maxRetries: 10, initialDelayMs: 100, maxDelayMs: 1_000 }),
        8,
        undefined,
        () => 0.999_999,
      ),
    ).toBe(1_000);
    expect(retryDelayMs(policy, 3, undefined)).toBeUndefined();
    expect(retryDelayMs(retryPolicyOf({ maxRetries: 0 }), 0, 1)).toBeUndefined();
  });

  it('sleeps until aborted, rejecting with the reason', async () => {
    const controller = new AbortController();
    const slept = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
