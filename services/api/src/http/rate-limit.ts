import { AppError, type Config, type Database, type RateLimitRule, type RequestRateLimiter } from '@agent-runtime/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';

/** How long an instance keeps a tenant's rate-limit overrides before reading them again. */
const tenantRuleCacheMs = 5_000;

/** Options of {@link createRateLimitHook}. */
export interface RateLimitHookOptions {
  readonly db: Kysely<Database>;
  readonly limiter: RequestRateLimiter;
  readonly config: Pick<Config, 'AR_TENANT_RATE_LIMIT' | 'AR_TENANT_RATE_BURST'>;
}

/**
 * Each tenant's rule: its own overrides (read at most every 5 s per instance, so a change
 * takes effect within 5 s everywhere), else the configured defaults.
 */
function createTenantRules({ db, config }: Pick<RateLimitHookOptions, 'db' | 'config'>) {
  const cache = new Map<string, { rule: RateLimitRule; expiresAt: number }>();
  return async function ruleOf(tenantId: string): Promise<RateLimitRule> {
    const now = Date.now();
    const cached = cache.get(tenantId);
    if (cached && cached.expiresAt > now) return cached.rule;
    const row = await db
      .selectFrom('tenants')
      .select(['rate_limit_per_minute', 'rate_limit_burst'])
      .where('id', '=', tenantId)
      .executeTakeFirst();
    const rule = {
      perMinute: row?.rate_limit_per_minute ?? config.AR_TENANT_RATE_LIMIT,
      burst: row?.rate_limit_burst ?? config.AR_TENANT_RATE_BURST,
    };
    if (cache.size > 10_000) cache.clear();
    cache.set(tenantId, { rule, expiresAt: now + tenantRuleCacheMs });
    return rule;
  };
}

/**
 * Counts every authenticated request against its tenant's budget (public routes are exempt;
 * runs after authentication, which names the tenant). Answers `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset`; over the budget, 429 `rate_limited` with
 * `Retry-After`. When the limiter cannot count (Redis down), the request passes.
 */
export function createRateLimitHook(options: RateLimitHookOptions) {
  const ruleOf = createTenantRules(options);
  return async function limitRate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const access = request.routeOptions.config.access;
    if (access === 'public' || request.routeOptions.url === undefined) return;
    const { tenantId } = request.principal;
    const rule = await ruleOf(tenantId);
    if (rule.perMinute === 0) return;
    const decision = await options.limiter.consume(tenantId, rule);
    if (!decision) return;
    reply.header('ratelimit-limit', decision.limit);
    reply.header('ratelimit-remaining', decision.remaining);
    reply.header('ratelimit-reset', decision.resetSeconds);
    reply.header('ratelimit-policy', `${rule.burst};w=${Math.ceil((rule.burst * 60) / rule.perMinute)}`);
    if (!decision.allowed) {
      throw new AppError(
        'rate_limited',
        `the tenant sent more than its ${rule.perMinute} requests per minute (burst ${rule.burst}); retry after ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
    }
  };
}
