import { sql, type Kysely } from 'kysely';
import { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from '../../auth/api-key-format.ts';
import type { Principal, Role } from '../../auth/principal.ts';
import { newId } from '../../ids.ts';
import type { Database } from '../schema.ts';

/** A key as created: the plaintext is returned here once and never stored. */
export interface CreatedApiKey {
  readonly id: string;
  readonly key: string;
}

/** Stores a new key (or the given plaintext, for bootstrap keys) hashed with its lookup prefix. */
export async function createApiKey(
  db: Kysely<Database>,
  options: { tenantId: string; name: string; roles: readonly Role[]; key?: string },
): Promise<CreatedApiKey> {
  const key = options.key ?? generateApiKey();
  const prefix = apiKeyPrefix(key);
  if (!prefix) throw new Error('API key is not in the ar_<prefix>_<secret> format');
  const id = newId();
  await db
    .insertInto('api_keys')
    .values({
      id,
      tenant_id: options.tenantId,
      name: options.name,
      prefix,
      key_hash: hashApiKey(key),
      roles: [...options.roles],
    })
    .execute();
  return { id, key };
}

/** The principal of a valid, unrevoked key, or undefined. Records when the key was last used. */
export async function authenticateApiKey(db: Kysely<Database>, key: string): Promise<Principal | undefined> {
  const prefix = apiKeyPrefix(key);
  if (!prefix) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'key_hash', 'roles'])
    .where('prefix', '=', prefix)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !apiKeyMatches(key, row.key_hash)) return undefined;
  // At most one write a minute per key keeps authentication off the write path.
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', row.id)
    .where((eb) =>
      eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]),
    )
    .execute();
  return { tenantId: row.tenant_id, subject: `api-key:${row.id}`, roles: row.roles as Role[] };
}
