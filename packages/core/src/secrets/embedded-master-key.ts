import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { generateMasterKeyEntry, parseMasterKeys } from './master-keys.ts';

/** Name of the generated master key file in `AR_DATA_DIR`. */
export const embeddedMasterKeyFile = 'master-keys';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function readKeyFile(file: string, logger: Logger): Promise<Config['AR_MASTER_KEYS']> {
  const parsed = parseMasterKeys((await readFile(file, 'utf8')).trim());
  if ('problem' in parsed) throw new ConfigError(`${file}: ${parsed.problem}`);
  if (((await stat(file)).mode & 0o077) !== 0) {
    logger.warn({ file }, 'the master key file is readable by other users: chmod 600 it');
  }
  return parsed.keys;
}

/**
 * The configuration with master keys, for the embedded runtime: `AR_MASTER_KEYS` when set,
 * else the key in `AR_DATA_DIR/master-keys`, generated (mode 0600) on the first start. The
 * generation is logged once: without that file, the secrets stored so far cannot be read.
 */
export async function withEmbeddedMasterKeys(config: Config, logger: Logger): Promise<Config> {
  if (config.AR_MASTER_KEYS.length > 0) return config;
  const file = path.join(config.dataDir, embeddedMasterKeyFile);
  try {
    return { ...config, AR_MASTER_KEYS: await readKeyFile(file, logger) };
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  await mkdir(config.dataDir, { recursive: true });
  const entry = generateMasterKeyEntry(`embedded-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`);
  try {
    await writeFile(file, `${entry}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process of the same data directory won the race: use its key.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { ...config, AR_MASTER_KEYS: await readKeyFile(file, logger) };
  }
  logger.warn(
    { file },
    'generated a master key for tenant secrets (AR_MASTER_KEYS is not set); back this file up: ' +
      'secrets stored under it cannot be decrypted without it',
  );
  return { ...config, AR_MASTER_KEYS: await readKeyFile(file, logger) };
}
