import { AppError, authenticateApiKey, type Database, type Principal, type Role } from '@agent-runtime/core';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';

/**
 * Who may call a route: `public` needs no credential; `read` any role of the tenant;
 * `write` a role that changes the tenant's agents and runs; `admin` the tenant's admins
 * (API keys, secrets, audit); `platform` platform admins only (tenants).
 */
export type RouteAccess = 'public' | 'read' | 'write' | 'admin' | 'platform';

const rolesFor: Readonly<Record<Exclude<RouteAccess, 'public'>, readonly Role[]>> = {
  read: ['viewer', 'developer', 'tenant-admin', 'platform-admin'],
  write: ['developer', 'tenant-admin', 'platform-admin'],
  admin: ['tenant-admin', 'platform-admin'],
  platform: ['platform-admin'],
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; every route must say. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every non-public route. */
    principal: Principal;
  }
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
