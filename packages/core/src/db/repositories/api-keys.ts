import { sql, type Kysely } from 'kysely';
import { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from '../../auth/api-key-format.ts';
import type { Principal, Role } from '../../auth/principal.ts';
import type { ApiKey } from '../../domain/access-resources.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { inTransaction } from '../in-transaction.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { ApiKeyRow, Database } from '../schema.ts';

/** A key as created: the plaintext `key` is returned here once and never stored. */
export interface CreatedApiKey extends ApiKey {
  readonly key: string;
}

/** Roles that manage a tenant's keys: the last active key holding one is never revoked. */
const adminRoles: readonly Role[] = ['tenant-admin', 'platform-admin'];

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    roles: row.roles as Role[],
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Stores a new key (or the given plaintext, for bootstrap keys) hashed with its lookup prefix. */
export async function createApiKey(
  db: Kysely<Database>,
  options: {
    tenantId: string;
    name: string;
    roles: readonly Role[];
    /** A plaintext to store instead of a generated one (bootstrap keys from configuration). */
    key?: string | undefined;
    /** Subject of the creating principal; absent for keys seeded at first start. */
    createdBy?: string | undefined;
    /** When the key stops authenticating. @default never */
    expiresAt?: Date | undefined;
  },
): Promise<CreatedApiKey> {
  const key = options.key ?? generateApiKey();
  const prefix = apiKeyPrefix(key);
  if (!prefix) throw new Error('API key is not in the ar_<prefix>_<secret> format');
  const row = await db
    .insertInto('api_keys')
    .values({
      id: newId(),
      tenant_id: options.tenantId,
      name: options.name,
      prefix,
      key_hash: hashApiKey(key),
      roles: [...new Set(options.roles)],
      created_by: options.createdBy ?? null,
      expires_at: options.expiresAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toApiKey(row), key };
}

/** The tenant's key with this id (revoked or not), or a not-found error. */
export async function getApiKey(db: Kysely<Database>, tenantId: string, keyId: string): Promise<ApiKey> {
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', keyId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('API key', keyId);
  return toApiKey(row);
}

/** The tenant's keys, revoked ones included, newest first. */
export async function listApiKeys(db: Kysely<Database>, tenantId: string, page: PageRequest): Promise<Page<ApiKey>> {
  let query = db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) query = query.where('id', '<', decodeCursor(page.cursor));
  return toPage(await query.execute(), page.limit, toApiKey);
}

/** A key after {@link revokeApiKey}, and whether this call revoked it (false: it already was). */
export interface RevokedApiKey {
  readonly apiKey: ApiKey;
  readonly revoked: boolean;
}

/**
 * Revokes a key: it stops authenticating at once. Revoking a revoked key changes nothing.
 * The tenant's last active key holding an admin role is not revoked (409): without it nobody
 * could manage the tenant's keys again; create its replacement first.
 */
export async function revokeApiKey(db: Kysely<Database>, tenantId: string, keyId: string): Promise<RevokedApiKey> {
  return inTransaction(db, async (trx) => {
    // Locking every active admin key of the tenant serialises concurrent revocations, so
    // two of them cannot each leave the other as the "remaining" admin key.
    const activeAdminKeyIds = (
      await trx
        .selectFrom('api_keys')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
        .where(sql<boolean>`roles && array['tenant-admin', 'platform-admin']::text[]`)
        .orderBy('id')
        .forUpdate()
        .execute()
    ).map((row) => row.id);
    const current = await getApiKey(trx, tenantId, keyId);
    if (current.revokedAt !== null) return { apiKey: current, revoked: false };
    if (activeAdminKeyIds.length === 1 && activeAdminKeyIds[0] === keyId) {
      throw new AppError(
        'conflict',
        `API key ${keyId} is the tenant's last active key with an admin role (${adminRoles.join(' or ')}); create another before revoking it`,
        { keyId },
      );
    }
    const row = await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { apiKey: toApiKey(row), revoked: true };
  });
}

/**
 * The principal of a valid key (not revoked, not expired), or undefined. Records when the
 * key was last used.
 */
export async function authenticateApiKey(db: Kysely<Database>, key: string): Promise<Principal | undefined> {
  const prefix = apiKeyPrefix(key);
  if (!prefix) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'key_hash', 'roles'])
    // Read with the key, so a request writes only when the minute has passed: one round trip, not two.
    .select(sql<boolean>`last_used_at is null or last_used_at < now() - interval '1 minute'`.as('last_use_stale'))
    .where('prefix', '=', prefix)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!row || !apiKeyMatches(key, row.key_hash)) return undefined;
  // At most one write a minute per key keeps authentication off the write path; the guard
  // repeats the check, so concurrent requests still write once.
  if (row.last_use_stale) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql<Date>`now()` })
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.id)
      .where((eb) =>
        eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]),
      )
      .execute();
  }
  return { tenantId: row.tenant_id, subject: `api-key:${row.id}`, roles: row.roles as Role[] };
}
