import {
  ConfigError,
  loadConfig,
  migrateToLatest,
  openDatabase,
  postgresTargetOf,
  type Config,
} from '@agent-runtime/core';

// The `migrate` command (`npm run migrate`): brings the PostgreSQL schema to the latest
// version and exits. Deployments run it once, as a task of its own, before rolling out API
// and worker processes started with AR_MIGRATE_ON_START=false, so that a rollout has one
// migrator instead of every starting task racing for the migration lock.
// Exit codes: 0 migrated (or already current), 1 a migration failed, 2 bad configuration.

function requireDatabaseUrl(config: Config): Config & { DATABASE_URL: string } {
  if (config.DATABASE_URL === undefined) {
    throw new ConfigError('DATABASE_URL must be set: the migrate command only migrates PostgreSQL');
  }
  return config as Config & { DATABASE_URL: string };
}

try {
  const config = requireDatabaseUrl(loadConfig(process.env));
  const database = await openDatabase(await postgresTargetOf(config));
  try {
    const applied = await migrateToLatest(database.db);
    process.stdout.write(
      applied.length === 0
        ? 'schema is current: no migration applied\n'
        : `applied ${applied.length} migrations:\n${applied.map((name) => `  ${name}\n`).join('')}`,
    );
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause !== undefined) process.stderr.write(`  ${cause instanceof Error ? cause.message : String(cause)}\n`);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
