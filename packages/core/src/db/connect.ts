import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

/** Where the system of record lives. */
export type DatabaseTarget =
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly poolSize?: number;
      /** Password of the URL's user, in place of the URL's own. */
      readonly password?: string;
      /** PEM of the certificate authorities to verify the server against; set: TLS with verification. */
      readonly ca?: string;
    }
  | { readonly kind: 'pglite'; /** Data directory; omitted means in memory. */ readonly dataDir?: string };

/** An open database: the query builder plus how to close it. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseTarget['kind'];
  close(): Promise<void>;
}

/**
 * The node-postgres pool settings of a target. The password goes into the connection string
 * (node-postgres lets the string's own values win over separate options); the CA turns on TLS
 * with verification of the server's certificate and host name.
 */
export function postgresPoolConfig(target: Extract<DatabaseTarget, { kind: 'postgres' }>): pg.PoolConfig {
  let connectionString = target.url;
  if (target.password !== undefined) {
    const url = new URL(target.url);
    url.password = encodeURIComponent(target.password);
    connectionString = url.toString();
  }
  return {
    connectionString,
    max: target.poolSize ?? 10,
    ...(target.ca !== undefined ? { ssl: { ca: target.ca, rejectUnauthorized: true } } : {}),
  };
}

/** Opens PostgreSQL (node-postgres pool) or PGlite behind the same Kysely interface. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool(postgresPoolConfig(target));
    // A client losing its server (a restart, a crash) must not crash the process: the pool
    // drops idle clients on 'error', but a checked-out client's 'error' event has no listener
    // of the pool's. The query in flight on it still fails, and is retried by its caller.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (target.dataDir) await mkdir(path.dirname(target.dataDir), { recursive: true });
  // pgvector, for the memory store's embeddings: always there on the embedded default.
  const options = { extensions: { vector } };
  const pglite = target.dataDir ? await PGlite.create(target.dataDir, options) : await PGlite.create(options);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
