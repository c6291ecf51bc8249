import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Reads `migrations/NNNN-name.sql` files in name order. Plain SQL, so the same files run
 * unchanged on PostgreSQL and PGlite. Migrations only move forward.
 */
class SqlFileMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(migrationsDir)).filter((file) => file.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(new URL(file, `file://${migrationsDir}`), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        up: async (db) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

/** The names of the migrations a run applied, or the failure of the one that failed. */
function appliedMigrations({ error, results = [] }: MigrationResultSet): string[] {
  if (error) {
    const failed = results.find((result) => result.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed`, { cause: error });
  }
  return results.map((result) => result.migrationName);
}

/** Brings the schema to the latest version; returns the names of the migrations it applied. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema migrates
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return appliedMigrations(await new Migrator({ db, provider: new SqlFileMigrationProvider() }).migrateToLatest());
}

/**
 * Brings the schema up to `migrationName` and no further: for tests of a later migration that
 * need rows written under the schema before it. Returns the names of the migrations it applied.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema migrates
export async function migrateTo(db: Kysely<any>, migrationName: string): Promise<string[]> {
  return appliedMigrations(
    await new Migrator({ db, provider: new SqlFileMigrationProvider() }).migrateTo(migrationName),
  );
}

/** Raised at boot when a process must not migrate (`AR_MIGRATE_ON_START=false`) and the schema is behind. */
export class SchemaBehindError extends Error {
  override readonly name = 'SchemaBehindError';
}

/**
 * Throws a {@link SchemaBehindError} naming the migrations not yet applied, if any: for
 * processes that leave migrating to `npm run migrate`, so that none serves on an old schema.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema migrates
export async function assertSchemaCurrent(db: Kysely<any>): Promise<void> {
  const migrations = await new Migrator({ db, provider: new SqlFileMigrationProvider() }).getMigrations();
  const pending = migrations.filter((migration) => migration.executedAt === undefined).map((m) => m.name);
  if (pending.length > 0) {
    throw new SchemaBehindError(
      `the database schema is behind (${pending.length} migrations pending: ${pending.join(', ')}) and ` +
        'AR_MIGRATE_ON_START=false: run `npm run migrate` (services/api/src/migrate-main.ts) first',
    );
  }
}

/** Migrates to the latest schema, or only checks it is current when the process must not migrate. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema migrates
export async function prepareSchema(db: Kysely<any>, migrateOnStart: boolean): Promise<void> {
  if (migrateOnStart) await migrateToLatest(db);
  else await assertSchemaCurrent(db);
}
