import { randomBytes } from 'node:crypto';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '@agent-runtime/core';
import pg from 'pg';
import { inject } from 'vitest';

/** Which system of record a test runs against: both kinds pass the same tests. */
export type DatabaseKind = 'postgres' | 'pglite';

/** Every kind, for `describe.each`. */
export const databaseKinds: DatabaseKind[] = ['postgres', 'pglite'];

/** A database of its own for one test file, migrated to the latest schema. */
export async function openTestDatabase(
  kind: DatabaseKind,
  options: { migrate?: boolean } = {},
): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (kind === 'postgres') {
    const adminUrl = inject('postgresUrl');
    const name = `test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    handle = await openDatabase({ kind: 'postgres', url: adminUrl.replace(/\/postgres$/, `/${name}`), poolSize: 20 });
  } else {
    handle = await openDatabase({ kind: 'pglite' });
  }
  if (options.migrate !== false) await migrateToLatest(handle.db);
  return handle;
}
