import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresDatabase } from '@agent-runtime/test-harness';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase, postgresPoolConfig } from './connect.ts';
import { postgresTargetOf } from './postgres-target.ts';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const targetOf = async (env: Record<string, string>) =>
  postgresTargetOf({ ...loadConfig(env), DATABASE_URL: env['DATABASE_URL'] ?? '' });

describe('PostgreSQL connection settings', () => {
  it('puts DATABASE_PASSWORD into the connection string, over the URL’s own, any character intact', async () => {
    const password = 'p@ss:w/rd?#%&é';
    const target = await targetOf({
      DATABASE_URL: 'postgres://agent_runtime:old@db.internal:5432/agent_runtime',
      DATABASE_PASSWORD: password,
      DATABASE_POOL_SIZE: '7',
    });
    const config = postgresPoolConfig(target);
    // What a node-postgres client reads from these settings is what the server gets.
    const client = new pg.Client(config);
    expect({ ...client }).toMatchObject({
      user: 'agent_runtime',
      host: 'db.internal',
      port: 5432,
      database: 'agent_runtime',
    });
    expect(client.password).toBe(password);
    expect(config.max).toBe(7);
    expect(config.ssl).toBeUndefined();
  });

  it('verifies the server against DATABASE_CA_FILE', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'ca-')), 'bundle.pem');
    await writeFile(file, pem);
    const target = await targetOf({ DATABASE_URL: 'postgres://u@db/x', DATABASE_CA_FILE: file });
    expect(postgresPoolConfig(target).ssl).toEqual({ ca: pem, rejectUnauthorized: true });
  });

  it('stops at boot on a CA file that is missing or holds no certificate, or that sslmode contradicts', async () => {
    await expect(
      targetOf({ DATABASE_URL: 'postgres://u@db/x', DATABASE_CA_FILE: '/nonexistent/ca.pem' }),
    ).rejects.toThrow(/DATABASE_CA_FILE: cannot read \/nonexistent\/ca.pem/);
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'ca-')), 'empty.pem');
    await writeFile(file, 'nothing here');
    await expect(targetOf({ DATABASE_URL: 'postgres://u@db/x', DATABASE_CA_FILE: file })).rejects.toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@db/x?sslmode=require', DATABASE_CA_FILE: file })).toThrow(
      /DATABASE_CA_FILE: verifies the server itself/,
    );
  });

  it('connects to a real server with the password set apart, and asks it for TLS when a CA is set', async () => {
    const url = await createPostgresDatabase();
    const plain = await openDatabase(await targetOf({ DATABASE_URL: url, DATABASE_PASSWORD: 'x/y@z' }));
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(plain.db);
    expect(rows).toEqual([{ one: 1 }]);
    await plain.close();
    // The test server speaks no TLS: a client that verifies must refuse it rather than fall back.
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'ca-')), 'bundle.pem');
    await writeFile(file, pem);
    const verifying = await openDatabase(await targetOf({ DATABASE_URL: url, DATABASE_CA_FILE: file }));
    await expect(sql`select 1`.execute(verifying.db)).rejects.toThrow(/does not support SSL/);
    await verifying.close();
  });
});
