import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { openSecret, SecretDecryptionError } from './envelope.ts';
import type { MasterKey } from './master-keys.ts';

/**
 * Why a secret a run needs cannot be used: `not_found` (deleted after the version was
 * created) or `unreadable` (its master key is gone from `AR_MASTER_KEYS`, or the stored
 * data was altered). The message names the secret, never its value.
 */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
  readonly reason: 'not_found' | 'unreadable';
  readonly secretName: string;

  constructor(reason: SecretUnavailableError['reason'], secretName: string, message: string) {
    super(message);
    this.reason = reason;
    this.secretName = secretName;
  }
}

/**
 * The plaintext value of the tenant's secret, for use at the moment of a call (a tool's
 * header, a model provider's API key). Call it inside an activity, right before the call:
 * the value must never enter workflow code, activity inputs or results, events, errors,
 * logs or spans. Throws {@link SecretUnavailableError} when the secret cannot be used.
 */
export async function resolveSecret(
  db: Kysely<Database>,
  masterKeys: readonly MasterKey[],
  tenantId: string,
  name: string,
): Promise<string> {
  const row = await db
    .selectFrom('secrets')
    .select(['key_id', 'wrapped_data_key', 'ciphertext'])
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) {
    throw new SecretUnavailableError('not_found', name, `secret "${name}" does not exist in this tenant`);
  }
  try {
    return openSecret(
      masterKeys,
      { tenantId, name },
      { keyId: row.key_id, wrappedDataKey: row.wrapped_data_key, ciphertext: row.ciphertext },
    );
  } catch (error) {
    if (error instanceof SecretDecryptionError) throw new SecretUnavailableError('unreadable', name, error.message);
    throw error;
  }
}
