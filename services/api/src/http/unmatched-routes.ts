import { AppError } from '@agent-runtime/core';
import type { FastifyRequest } from 'fastify';
import type { RouteAccessEntry } from './auth.ts';

/** A route path (`/v1/runs/:runId`) as a pattern matching the paths it serves. */
function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * An `onRequest` hook for requests no route matched, run before their body is read:
 * 405 `method_not_allowed` with `Allow` when the path is served with other methods, else
 * 404 `route_not_found`. Every route in `table` (filled as routes register) is considered.
 */
export function createUnmatchedRouteHook(table: readonly RouteAccessEntry[]) {
  let patterns: { readonly method: string; readonly pattern: RegExp }[] | undefined;
  return async function refuseUnmatched(request: FastifyRequest): Promise<void> {
    if (request.routeOptions.url !== undefined) return;
    // Built at the first unmatched request: every route has registered by then.
    patterns ??= table.map((entry) => ({ method: entry.method, pattern: patternOf(entry.url) }));
    const path = request.url.split('?', 1)[0] ?? '';
    const allowed = [...new Set(patterns.filter((entry) => entry.pattern.test(path)).map((entry) => entry.method))];
    if (allowed.length > 0) {
      throw new AppError('method_not_allowed', `${request.method} is not served at ${path}`, {
        allowedMethods: allowed,
      });
    }
    throw new AppError('route_not_found', `no endpoint ${request.method} ${request.url}`);
  };
}
