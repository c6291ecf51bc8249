import type { Kysely } from 'kysely';
import type { Secret } from '../../domain/secret.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { sealSecret } from '../../secrets/envelope.ts';
import type { MasterKey } from '../../secrets/master-keys.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import { sqlStateOf, sqlStates } from '../pg-errors.ts';
import type { Database, SecretRow } from '../schema.ts';

/** The columns a secret's metadata is read from: never the sealed value or data key. */
const metadataColumns = ['id', 'tenant_id', 'name', 'description', 'version', 'created_at', 'updated_at'] as const;

type SecretMetadataRow = Pick<SecretRow, (typeof metadataColumns)[number]>;

function toSecret(row: SecretMetadataRow): Secret {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Stores a new secret, sealed under a fresh data key; a name the tenant already uses is a conflict. */
export async function createSecret(
  db: Kysely<Database>,
  masterKeys: readonly MasterKey[],
  tenantId: string,
  fields: { name: string; value: string; description?: string | undefined },
): Promise<Secret> {
  const sealed = sealSecret(masterKeys, { tenantId, name: fields.name }, fields.value);
  const row = await db
    .insertInto('secrets')
    .values({
      id: newId(),
      tenant_id: tenantId,
      name: fields.name,
      description: fields.description ?? null,
      key_id: sealed.keyId,
      wrapped_data_key: sealed.wrappedDataKey,
      ciphertext: sealed.ciphertext,
      updated_at: new Date(),
    })
    .returning(metadataColumns)
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      if (sqlStateOf(error) === sqlStates.uniqueViolation) {
        throw new AppError('conflict', `a secret named "${fields.name}" already exists; PUT replaces its value`, {
          name: fields.name,
        });
      }
      throw error;
    });
  return toSecret(row);
}

/**
 * Replaces a secret's value (rotating the credential it holds) under a fresh data key, and
 * its description when given. Its version goes up by one; runs read the new value from
 * their next call on.
 */
export async function replaceSecretValue(
  db: Kysely<Database>,
  masterKeys: readonly MasterKey[],
  tenantId: string,
  name: string,
  fields: { value: string; description?: string | null | undefined },
): Promise<Secret> {
  const sealed = sealSecret(masterKeys, { tenantId, name }, fields.value);
  const row = await db
    .updateTable('secrets')
    .set((eb) => ({
      key_id: sealed.keyId,
      wrapped_data_key: sealed.wrappedDataKey,
      ciphertext: sealed.ciphertext,
      version: eb('version', '+', 1),
      updated_at: new Date(),
      ...(fields.description === undefined ? {} : { description: fields.description }),
    }))
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .returning(metadataColumns)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('secret', name);
  return toSecret(row);
}

/** The metadata of the tenant's secret with this name, or a not-found error. */
export async function getSecret(db: Kysely<Database>, tenantId: string, name: string): Promise<Secret> {
  const row = await db
    .selectFrom('secrets')
    .select(metadataColumns)
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('secret', name);
  return toSecret(row);
}

/** The tenant's secrets (metadata only), newest first. */
export async function listSecrets(db: Kysely<Database>, tenantId: string, page: PageRequest): Promise<Page<Secret>> {
  let query = db
    .selectFrom('secrets')
    .select(metadataColumns)
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) query = query.where('id', '<', decodeCursor(page.cursor));
  return toPage(await query.execute(), page.limit, toSecret);
}

/**
 * Deletes a secret and its sealed value for good. Versions that reference it stay valid;
 * their calls that need it fail, naming the secret (see docs/secrets.md).
 */
export async function deleteSecret(db: Kysely<Database>, tenantId: string, name: string): Promise<void> {
  const deleted = await db
    .deleteFrom('secrets')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw new NotFoundError('secret', name);
}

/** Which of these names the tenant has no secret for, in the order given. */
export async function missingSecretNames(
  db: Kysely<Database>,
  tenantId: string,
  names: readonly string[],
): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = await db
    .selectFrom('secrets')
    .select('name')
    .where('tenant_id', '=', tenantId)
    .where('name', 'in', [...new Set(names)])
    .execute();
  const present = new Set(rows.map((row) => row.name));
  return names.filter((name) => !present.has(name));
}
