import { createApiKey } from '@agent-runtime/core';
import {
  createApiRequest,
  startRedis,
  startTestRuntime,
  type ApiRequest,
  type RedisServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** 60 requests a minute (one a second) with a burst of 10. */
const limits = { rateLimitPerMinute: 60, rateLimitBurst: 10 };

describe('per-tenant request rate limits over HTTP', () => {
  let redis: RedisServer;
  let runtime: TestRuntime;

  /** A tenant with its own limits (through the API) and a developer key of its own. */
  async function tenantCaller(name: string, baseUrls: string[]): Promise<ApiRequest[]> {
    const response = await runtime.request('POST', '/v1/tenants', { name, limits });
    expect(response.status).toBe(201);
    const tenant = (await response.json()) as { id: string; limits: unknown };
    expect(tenant.limits).toEqual({ ...limits, maxConcurrentRuns: null, monthlyCostUsd: null, monthlyTokens: null });
    const { key } = await createApiKey(runtime.database.db, { tenantId: tenant.id, name, roles: ['developer'] });
    return baseUrls.map((url) => createApiRequest(url, key));
  }

  /** Sends `count` requests at once, spread over the callers; answers them in order. */
  async function burst(callers: ApiRequest[], count: number): Promise<Response[]> {
    return Promise.all(
      Array.from({ length: count }, (_, index) => (callers[index % callers.length] as ApiRequest)('GET', '/v1/agents')),
    );
  }

  beforeAll(async () => {
    redis = await startRedis();
    runtime = await startTestRuntime({ worker: false, env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await runtime.stop();
    await redis.stop();
  });

  it('holds one budget per tenant across two API instances sharing Redis, with 429s that say when to retry', async () => {
    const second = await runtime.startExtraApi(runtime.config);
    const callers = await tenantCaller('rate-shared', [runtime.url, second]);
    const bystander = await tenantCaller('rate-bystander', [runtime.url, second]);
    const startedAt = Date.now();
    const responses = await burst(callers, 40);
    const elapsedMs = Date.now() - startedAt;
    const accepted = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status === 429);
    expect(accepted.length + refused.length).toBe(40);
    // The whole burst and at most one more per second elapsed: each instance alone (in-process)
    // would have let 10 through, 20 in all.
    expect(accepted.length).toBeGreaterThanOrEqual(limits.rateLimitBurst);
    expect(accepted.length).toBeLessThanOrEqual(limits.rateLimitBurst + Math.floor(elapsedMs / 1000) + 1);
    for (const response of refused) {
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('ratelimit-limit')).toBe('10');
      expect(response.headers.get('ratelimit-remaining')).toBe('0');
      expect(await response.json()).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 1 });
    }
    expect(accepted[0]?.headers.get('ratelimit-limit')).toBe('10');
    expect(Number(accepted[0]?.headers.get('ratelimit-remaining'))).toBeLessThan(10);
    // Another tenant keeps its whole budget; public routes count for nobody.
    expect((await burst(bystander, 8)).map((response) => response.status)).toEqual(Array(8).fill(200));
    const health = await Promise.all(Array.from({ length: 20 }, () => fetch(`${runtime.url}/healthz`)));
    expect(health.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(health[0]?.headers.get('ratelimit-limit')).toBeNull();
    // Retry-After is honest: after it, the tenant is served again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await (callers[1] as ApiRequest)('GET', '/v1/agents')).status).toBe(200);
  });

  it('counts in-process on an instance without Redis', async () => {
    const local = await runtime.startExtraApi({ ...runtime.config, REDIS_URL: undefined });
    const [caller] = await tenantCaller('rate-local', [local]);
    const responses = await burst([caller as ApiRequest], 25);
    const accepted = responses.filter((response) => response.status === 200).length;
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThanOrEqual(11);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(25 - accepted);
  });

  it('fails open after its timeout (100 ms) while Redis hangs', async () => {
    const callers = await tenantCaller('rate-hang', [runtime.url]);
    const pid = redis.pid ?? 0;
    process.kill(pid, 'SIGSTOP');
    try {
      const startedAt = Date.now();
      const responses = await burst(callers, 20);
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
      // Each waited for the timeout once (all at the same time), not for Redis.
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('fails open at once while Redis is down, and limits again once it is back', async () => {
    const callers = await tenantCaller('rate-outage', [runtime.url]);
    await redis.kill();
    try {
      const startedAt = Date.now();
      const responses = await burst(callers, 30);
      expect(responses.map((response) => response.status)).toEqual(Array(30).fill(200));
      expect(responses[0]?.headers.get('ratelimit-limit')).toBeNull();
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      await redis.restart();
    }
    // The limiter reconnects on its own (within about 2 s): the budget holds again.
    const deadline = Date.now() + 15_000;
    let statuses: number[] = [];
    while (Date.now() < deadline) {
      statuses = (await burst(callers, 15)).map((response) => response.status);
      if (statuses.includes(429)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(statuses).toContain(429);
  });

  it("lets platform admins change a tenant's limits, validated", async () => {
    const created = await runtime.request('POST', '/v1/tenants', { name: 'rate-patched' });
    const tenant = (await created.json()) as { id: string; limits: unknown };
    expect(tenant.limits).toEqual({
      rateLimitPerMinute: null,
      rateLimitBurst: null,
      maxConcurrentRuns: null,
      monthlyCostUsd: null,
      monthlyTokens: null,
    });
    const patched = await runtime.request('PATCH', `/v1/tenants/${tenant.id}`, {
      limits: { rateLimitPerMinute: 0, maxConcurrentRuns: 3 },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      limits: { rateLimitPerMinute: 0, rateLimitBurst: null, maxConcurrentRuns: 3 },
    });
    const reset = await runtime.request('PATCH', `/v1/tenants/${tenant.id}`, { limits: { maxConcurrentRuns: null } });
    expect(await reset.json()).toMatchObject({ limits: { rateLimitPerMinute: 0, maxConcurrentRuns: null } });
    for (const [body, status, code] of [
      [{ limits: { rateLimitBurst: 0 } }, 422, 'validation_failed'],
      [{ limits: { maxConcurrentRuns: -1 } }, 422, 'validation_failed'],
      [{ limits: { rateLimitPerMinute: 1.5 } }, 422, 'validation_failed'],
      [{ limits: { unknown: 1 } }, 422, 'validation_failed'],
      [{}, 422, 'validation_failed'],
    ] as const) {
      const response = await runtime.request('PATCH', `/v1/tenants/${tenant.id}`, body);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ code });
    }
    const missing = await runtime.request('PATCH', '/v1/tenants/00000000-0000-7000-8000-000000000000', { limits: {} });
    expect(missing.status).toBe(404);
    const [developer] = await tenantCaller('rate-not-platform', [runtime.url]);
    const forbidden = await (developer as ApiRequest)('PATCH', `/v1/tenants/${tenant.id}`, { limits: {} });
    expect(forbidden.status).toBe(403);
  });
});
