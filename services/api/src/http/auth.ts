import { AppError, authenticateApiKey, type Database, type Principal, type Role } from '@agent-runtime/core';
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';

/**
 * Who may call a route: `public` needs no credential; `read` any role of the tenant;
 * `write` a role that changes the tenant's agents, versions and runs; `admin` the tenant's
 * admins (API keys, secrets, audit); `platform` platform admins only (tenants).
 */
export type RouteAccess = 'public' | 'read' | 'write' | 'admin' | 'platform';

const rolesFor: Readonly<Record<Exclude<RouteAccess, 'public'>, readonly Role[]>> = {
  read: ['viewer', 'developer', 'tenant-admin', 'platform-admin'],
  write: ['developer', 'tenant-admin', 'platform-admin'],
  admin: ['tenant-admin', 'platform-admin'],
  platform: ['platform-admin'],
};

/** The roles that may call a route of each non-public access level. */
export function rolesAllowed(access: Exclude<RouteAccess, 'public'>): readonly Role[] {
  return rolesFor[access];
}

/** One route and who may call it: the API's access table, as routes are registered. */
export interface RouteAccessEntry {
  readonly method: string;
  /** Fastify's path, with `:param` placeholders. */
  readonly url: string;
  readonly access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; every route must say. */
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every route and its access level (HEAD routes included), filled as routes register. */
    readonly accessTable: readonly RouteAccessEntry[];
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every non-public route. */
    principal: Principal;
  }
}

/**
 * An `onRoute` hook that refuses, at registration, a route that does not declare its access
 * (so a forgotten declaration fails at boot, not on a request) and records the route in `table`.
 */
export function createRouteAccessRecorder(table: RouteAccessEntry[]) {
  return function recordRouteAccess(route: RouteOptions): void {
    const access = route.config?.access;
    if (access === undefined) throw new Error(`route ${String(route.method)} ${route.url} does not declare its access`);
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access });
  };
}

/** Authenticates the bearer credential and checks the route's access level, for every route. */
export function createAuthHook(db: Kysely<Database>) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const access = request.routeOptions.config.access;
    if (access === 'public' || request.routeOptions.url === undefined) return;
    if (access === undefined) throw new Error(`route ${request.routeOptions.url} does not declare its access`);
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new AppError('unauthenticated', 'send an API key as "Authorization: Bearer <key>"');
    const principal = await authenticateApiKey(db, match[1]);
    if (!principal) throw new AppError('unauthenticated', 'the API key is not valid');
    if (!principal.roles.some((role) => rolesFor[access].includes(role))) {
      throw new AppError('forbidden', `this route needs one of the roles: ${rolesFor[access].join(', ')}`);
    }
    request.principal = principal;
  };
}
