import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createSecret,
  createTenant,
  generateMasterKeyEntry,
  loadConfig,
  migrateToLatest,
  openDatabase,
  resolveSecret,
  type DatabaseHandle,
} from '@agent-runtime/core';
import { createPostgresDatabase } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/secrets-rewrap.ts', import.meta.url));

function runScript(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Master key rotation with `npm run secrets:rewrap`, as docs/secrets.md describes it. */
describe('secrets:rewrap', () => {
  const oldEntry = generateMasterKeyEntry('old');
  const newEntry = generateMasterKeyEntry('new');
  let databaseUrl: string;
  let database: DatabaseHandle;
  let tenantIds: string[];

  beforeAll(async () => {
    databaseUrl = await createPostgresDatabase();
    database = await openDatabase({ kind: 'postgres', url: databaseUrl });
    await migrateToLatest(database.db);
    const oldKeys = loadConfig({ AR_MASTER_KEYS: oldEntry }).AR_MASTER_KEYS;
    tenantIds = [];
    for (const name of ['rewrap-a', 'rewrap-b']) {
      const tenant = await createTenant(database.db, name);
      tenantIds.push(tenant.id);
      for (let index = 0; index < 130; index += 1) {
        await createSecret(database.db, oldKeys, tenant.id, {
          name: `TOKEN_${index}`,
          value: `${name}-value-${index}`,
        });
      }
    }
  });

  afterAll(async () => {
    await database.close();
  });

  it('refuses to run without the key the secrets are under, naming it', async () => {
    const result = await runScript({ DATABASE_URL: databaseUrl, AR_MASTER_KEYS: newEntry });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/wrapped under master key "old", which AR_MASTER_KEYS does not hold/);
    const result2 = await runScript({ DATABASE_URL: databaseUrl });
    expect(result2.code).toBe(2);
    expect(result2.stderr).toMatch(/AR_MASTER_KEYS must be set/);
  });

  it('re-wraps every secret of every tenant under the new key with progress, then the old key can go', async () => {
    const result = await runScript({ DATABASE_URL: databaseUrl, AR_MASTER_KEYS: `${newEntry},${oldEntry}` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/re-wrapping secrets under master key "new" \(older keys: old\)/);
    expect(result.stdout).toMatch(/^ {2}100\/260 re-wrapped$/m);
    expect(result.stdout).toMatch(/^ {2}260\/260 re-wrapped$/m);
    expect(result.stdout).toMatch(/done: 260 secret\(s\) re-wrapped, 0 left on older keys/);
    expect(result.stdout).toMatch(/the older keys can now be removed/);

    const newKeys = loadConfig({ AR_MASTER_KEYS: newEntry }).AR_MASTER_KEYS;
    expect(await resolveSecret(database.db, newKeys, tenantIds[1] ?? '', 'TOKEN_129')).toBe('rewrap-b-value-129');
    const again = await runScript({ DATABASE_URL: databaseUrl, AR_MASTER_KEYS: newEntry });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/done: 0 secret\(s\) re-wrapped, 0 left/);
  });
});
