import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { currentMasterKey, rewrapSecret } from './envelope.ts';
import type { MasterKey } from './master-keys.ts';

/** Progress of {@link rewrapSecrets}, reported after each batch. */
export interface RewrapProgress {
  /** Secrets re-wrapped so far. */
  readonly rewrapped: number;
  /** Secrets that were under an older master key when the rewrap started. */
  readonly total: number;
}

/** What {@link rewrapSecrets} did, and what it left. */
export interface RewrapResult extends RewrapProgress {
  /**
   * Secrets still under an older master key at the end: written meanwhile by a process
   * that does not have the new key first yet. Run the rewrap again once every process does.
   */
  readonly remaining: number;
}

/** Options of {@link rewrapSecrets}. */
export interface RewrapOptions {
  /** Secrets re-wrapped per transaction. @default 100 */
  readonly batchSize?: number;
  /** Called after each batch. */
  readonly onProgress?: (progress: RewrapProgress) => void;
}

/**
 * Re-wraps the data key of every secret (all tenants) that is not under the current master
 * key, batch by batch; values are never decrypted. Safe to run while the runtime serves
 * traffic, and again after an interruption: each row is locked while it is re-wrapped, and
 * rows already under the current key are skipped. Throws (naming the secret) when a data key
 * does not unwrap under any configured key.
 */
export async function rewrapSecrets(
  db: Kysely<Database>,
  masterKeys: readonly MasterKey[],
  options: RewrapOptions = {},
): Promise<RewrapResult> {
  const current = currentMasterKey(masterKeys);
  const batchSize = options.batchSize ?? 100;
  const countOutdated = async () => {
    const { count } = await db
      .selectFrom('secrets')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('key_id', '<>', current.id)
      .executeTakeFirstOrThrow();
    return Number(count);
  };
  const total = await countOutdated();
  let rewrapped = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('secrets')
        .select(['id', 'tenant_id', 'name', 'key_id', 'wrapped_data_key', 'ciphertext'])
        .where('key_id', '<>', current.id)
        .orderBy('id')
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        const sealed = rewrapSecret(
          masterKeys,
          { tenantId: row.tenant_id, name: row.name },
          { keyId: row.key_id, wrappedDataKey: row.wrapped_data_key, ciphertext: row.ciphertext },
        );
        await trx
          .updateTable('secrets')
          .set({ key_id: sealed.keyId, wrapped_data_key: sealed.wrappedDataKey })
          .where('id', '=', row.id)
          .where('key_id', '=', row.key_id)
          .execute();
      }
      return rows.length;
    });
    rewrapped += done;
    if (done === 0) break;
    options.onProgress?.({ rewrapped, total: Math.max(total, rewrapped) });
    if (done < batchSize) break;
  }
  return { rewrapped, total: Math.max(total, rewrapped), remaining: await countOutdated() };
}
