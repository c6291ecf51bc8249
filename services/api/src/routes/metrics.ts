import { registerRunStateGauge } from '@agent-runtime/core';
import type { Registry } from 'prom-client';
import type { ApiInstance } from '../app-types.ts';

/**
 * Prometheus metrics of this process at `GET /metrics`: runs by state (read from the database
 * at scrape), and when the worker shares the process (embedded) its step metrics too. Public,
 * like health checks: keep it off the gateway's public routes.
 */
export function registerMetricsRoute(
  app: ApiInstance,
  registry: Registry,
  db: Parameters<typeof registerRunStateGauge>[1],
): void {
  registerRunStateGauge(registry, db);
  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
}
