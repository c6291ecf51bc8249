import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import { createPostgresDatabase, freePort, repoRoot, waitUntil } from '@agent-runtime/test-harness';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const migrateMain = path.join(repoRoot, 'services/api/src/migrate-main.ts');
const apiMain = path.join(repoRoot, 'services/api/src/main.ts');
const workerMain = path.join(repoRoot, 'services/worker/src/main.ts');

/** Runs `node <entry>` with `env` to its end; its exit code and output. */
async function runToEnd(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

async function tablesOf(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public'",
  );
  await client.end();
  return rows.map((row) => row.table_name);
}

/**
 * The `migrate` command a deployment runs once before a rollout, and processes started with
 * AR_MIGRATE_ON_START=false, which leave the schema alone and refuse one that is behind.
 */
describe('migrate command', () => {
  it('migrates a new database, then finds it current', async () => {
    const databaseUrl = await createPostgresDatabase();
    const first = await run(process.execPath, [migrateMain], { env: { DATABASE_URL: databaseUrl } });
    expect(first.stdout).toMatch(/^applied \d+ migrations:\n {2}0001-/);
    expect(await tablesOf(databaseUrl)).toEqual(expect.arrayContaining(['runs', 'tenants', 'kysely_migration']));
    const second = await run(process.execPath, [migrateMain], { env: { DATABASE_URL: databaseUrl } });
    expect(second.stdout).toBe('schema is current: no migration applied\n');
  });

  it('is also `npm run migrate`', async () => {
    const databaseUrl = await createPostgresDatabase();
    const { stdout } = await run('npm', ['run', '--silent', 'migrate'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    expect(stdout).toMatch(/^applied \d+ migrations:/);
  });

  it('exits 2 without DATABASE_URL, and 1 when the database cannot be reached', async () => {
    const unset = await runToEnd(migrateMain, {});
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/DATABASE_URL must be set/);
    const unreachable = await runToEnd(migrateMain, { DATABASE_URL: `postgres://127.0.0.1:${await freePort()}/none` });
    expect(unreachable.code, unreachable.stderr).toBe(1);
  });

  it('leaves API and worker processes with AR_MIGRATE_ON_START=false refusing a schema that is behind', async () => {
    const databaseUrl = await createPostgresDatabase();
    const env = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      AR_MASTER_KEYS: generateMasterKeyEntry('migrate-test'),
      AR_BOOTSTRAP_API_KEY: generateApiKey(),
      AR_MIGRATE_ON_START: 'false',
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    for (const main of [apiMain, workerMain]) {
      const { code, stderr } = await runToEnd(main, env);
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(/schema is behind \(\d+ migrations pending: 0001-.*run `npm run migrate`/);
    }
    expect(await tablesOf(databaseUrl)).not.toContain('runs');
  });

  it('lets the API start without migrating once the command has migrated', async () => {
    const databaseUrl = await createPostgresDatabase();
    await run(process.execPath, [migrateMain], { env: { DATABASE_URL: databaseUrl } });
    const port = await freePort();
    const api = spawn(process.execPath, [apiMain], {
      env: {
        PATH: process.env['PATH'] ?? '',
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        AR_MASTER_KEYS: generateMasterKeyEntry('migrate-test'),
        AR_BOOTSTRAP_API_KEY: generateApiKey(),
        AR_MIGRATE_ON_START: 'false',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    try {
      const ready = () =>
        fetch(`http://127.0.0.1:${port}/readyz`).then(
          (response) => response.ok,
          () => false,
        );
      await waitUntil('the API to be ready', ready, 60_000, 200);
    } finally {
      const exited = new Promise((resolve) => api.once('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
  });
});
