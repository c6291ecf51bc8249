import { randomBytes } from 'node:crypto';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '@agent-runtime/core';
import pg from 'pg';
import { inject } from 'vitest';

/** Which system of record a test runs against: both kinds pass the same tests. */
export type DatabaseKind = 'postgres' | 'pglite';

/** Every kind, for `describe.each`. */
export const databaseKinds: DatabaseKind[] = ['postgres', 'pglite'];

/**
 * Creates an empty PostgreSQL database on the test server (or the server of `adminUrl`, a
 * `postgres` database's connection string); returns its connection string.
 */
export async function createPostgresDatabase(adminUrl: string = inject('postgresUrl')): Promise<string> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

/** A database of its own for one test file, migrated to the latest schema. */
export async function openTestDatabase(
  kind: DatabaseKind,
  options: { migrate?: boolean } = {},
): Promise<DatabaseHandle> {
  const handle =
    kind === 'postgres'
      ? await openDatabase({ kind: 'postgres', url: await createPostgresDatabase(), poolSize: 20 })
      : await openDatabase({ kind: 'pglite' });
  if (options.migrate !== false) await migrateToLatest(handle.db);
  return handle;
}
