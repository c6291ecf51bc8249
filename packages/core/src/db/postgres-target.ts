import { readFile } from 'node:fs/promises';
import { ConfigError, type Config } from '../config.ts';
import type { DatabaseTarget } from './connect.ts';

/**
 * The PostgreSQL target of a production process: `DATABASE_URL` with the password of
 * `DATABASE_PASSWORD` and the certificate authorities of `DATABASE_CA_FILE`, read now, so a
 * missing CA file stops the process at boot rather than at its first query.
 */
export async function postgresTargetOf(
  config: Config & { DATABASE_URL: string },
): Promise<Extract<DatabaseTarget, { kind: 'postgres' }>> {
  return {
    kind: 'postgres',
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    ...(config.DATABASE_PASSWORD !== undefined ? { password: config.DATABASE_PASSWORD } : {}),
    ...(config.DATABASE_CA_FILE !== undefined ? { ca: await readCaFile(config.DATABASE_CA_FILE) } : {}),
  };
}

async function readCaFile(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`DATABASE_CA_FILE: cannot read ${file} (${(error as Error).message})`);
  });
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`DATABASE_CA_FILE: ${file} holds no PEM certificate`);
  }
  return text;
}
