import { AppError, authenticateApiKey, type Database, type Principal, type Role } from '@agent-runtime/core';
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { OidcVerifier } from './oidc.ts';

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
    /**
     * Whether the credential may also come as `x-api-key: <credential>` (LangGraph's SDK sends
     * its key so), besides `Authorization: Bearer`. @default false
     */
    apiKeyHeader?: boolean;
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

/** API keys are `ar_<prefix>_<secret>`; every other bearer credential is taken for a JWT. */
const apiKeyPrefix = 'ar_';

/**
 * The principal of an OIDC token: its tenant must exist, else the token is refused like any
 * other credential that does not identify a caller of this deployment (401, not 403).
 */
async function authenticateToken(db: Kysely<Database>, oidc: OidcVerifier, token: string): Promise<Principal> {
  const identity = await oidc.verify(token);
  const tenant = await db.selectFrom('tenants').select('id').where('id', '=', identity.tenantId).executeTakeFirst();
  if (!tenant) throw new AppError('unauthenticated', "the token's tenant does not exist in this deployment");
  return identity;
}

/**
 * Authenticates the bearer credential and checks the route's access level, for every route:
 * an `ar_…` API key, or (when `oidc` is given) an OIDC access token.
 */
export function createAuthHook(db: Kysely<Database>, oidc?: OidcVerifier) {
  const expected = oidc ? 'an API key or an OIDC access token' : 'an API key';
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const access = request.routeOptions.config.access;
    if (access === 'public' || request.routeOptions.url === undefined) return;
    if (access === undefined) throw new Error(`route ${request.routeOptions.url} does not declare its access`);
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const keyHeader = request.routeOptions.config.apiKeyHeader === true ? request.headers['x-api-key'] : undefined;
    const credential = match?.[1] ?? (typeof keyHeader === 'string' && keyHeader !== '' ? keyHeader : undefined);
    if (!credential) throw new AppError('unauthenticated', `send ${expected} as "Authorization: Bearer <credential>"`);
    let principal: Principal;
    if (credential.startsWith(apiKeyPrefix)) {
      const fromKey = await authenticateApiKey(db, credential);
      if (!fromKey) throw new AppError('unauthenticated', 'the API key is not valid');
      principal = fromKey;
    } else if (oidc) {
      principal = await authenticateToken(db, oidc, credential);
    } else {
      throw new AppError('unauthenticated', 'the API key is not valid (this deployment accepts no OIDC tokens)');
    }
    if (!principal.roles.some((role) => rolesFor[access].includes(role))) {
      throw new AppError('forbidden', `this route needs one of the roles: ${rolesFor[access].join(', ')}`);
    }
    request.principal = principal;
  };
}
