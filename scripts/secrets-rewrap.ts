// `npm run secrets:rewrap`: step 2 of a master key rotation (docs/secrets.md). Re-wraps the
// data key of every secret, in every tenant, under the current master key (the first of
// AR_MASTER_KEYS), printing progress; values are never decrypted. Reads the same settings as
// the runtime: DATABASE_URL, or the PGlite files in AR_DATA_DIR (stop the embedded runtime
// first: PGlite serves one process). Safe to rerun; exits 1 if secrets remain on old keys.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  loadConfig,
  migrateToLatest,
  openDatabase,
  postgresTargetOf,
  rewrapSecrets,
  SecretDecryptionError,
} from '@agent-runtime/core';

try {
  const config = loadConfig(process.env);
  const [current, ...older] = config.AR_MASTER_KEYS;
  if (!current) {
    throw new ConfigError(
      'AR_MASTER_KEYS must be set: the new key first, then every key secrets may still be wrapped under ' +
        '(on embedded defaults, the entry in AR_DATA_DIR/master-keys)',
    );
  }
  const pgliteDir = path.join(config.dataDir, 'pglite');
  if (!config.DATABASE_URL && !existsSync(pgliteDir)) {
    throw new ConfigError(
      `no database: set DATABASE_URL, or AR_DATA_DIR to the embedded runtime's (${pgliteDir} does not exist)`,
    );
  }
  // On AWS it runs as a one-off task like migrate: the password and the RDS CA come as for the API.
  const database = await openDatabase(
    config.DATABASE_URL
      ? { ...(await postgresTargetOf({ ...config, DATABASE_URL: config.DATABASE_URL })), poolSize: 2 }
      : { kind: 'pglite', dataDir: pgliteDir },
  );
  try {
    await migrateToLatest(database.db);
    process.stdout.write(
      `re-wrapping secrets under master key "${current.id}" (older keys: ${older.map((key) => key.id).join(', ') || 'none'})\n`,
    );
    const result = await rewrapSecrets(database.db, config.AR_MASTER_KEYS, {
      onProgress: ({ rewrapped, total }) => process.stdout.write(`  ${rewrapped}/${total} re-wrapped\n`),
    });
    process.stdout.write(`done: ${result.rewrapped} secret(s) re-wrapped, ${result.remaining} left on older keys\n`);
    if (result.remaining > 0) {
      process.stdout.write(
        'some secrets were written under an older key meanwhile: rerun once every process has the new key first\n',
      );
      process.exitCode = 1;
    } else if (older.length > 0) {
      process.stdout.write(
        `every secret is under "${current.id}": the older keys can now be removed from AR_MASTER_KEYS\n`,
      );
    }
  } finally {
    await database.close();
  }
} catch (error) {
  if (error instanceof SecretDecryptionError) {
    // Batches before this one stay re-wrapped; this one was rolled back.
    process.stderr.write(`${error.message}: add that key to AR_MASTER_KEYS and rerun\n`);
    process.exit(1);
  }
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
