import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { embeddedMasterKeyFile, withEmbeddedMasterKeys } from './embedded-master-key.ts';
import { openSecret, sealSecret } from './envelope.ts';
import { generateMasterKeyEntry } from './master-keys.ts';

describe('the embedded master key', () => {
  let dataDir: string;
  const lines: string[] = [];
  const logger = createLogger(
    'info',
    'embedded-master-key-test',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );

  beforeEach(async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'agent-runtime-keys-')), 'data');
    lines.length = 0;
  });

  afterEach(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('is generated into AR_DATA_DIR with mode 0600 on the first start, said once, and kept after', async () => {
    const config = loadConfig({ AR_DATA_DIR: dataDir });
    const first = await withEmbeddedMasterKeys(config, logger);
    const file = path.join(dataDir, embeddedMasterKeyFile);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.AR_MASTER_KEYS).toHaveLength(1);
    expect(lines.filter((line) => line.includes('generated a master key'))).toHaveLength(1);
    const material = (await readFile(file, 'utf8')).trim().split(':')[1] ?? '';
    expect(lines.join('')).not.toContain(material);

    const sealed = sealSecret(first.AR_MASTER_KEYS, { tenantId: 't', name: 'N' }, 'value');
    const second = await withEmbeddedMasterKeys(config, logger);
    expect(openSecret(second.AR_MASTER_KEYS, { tenantId: 't', name: 'N' }, sealed)).toBe('value');
    expect(lines.filter((line) => line.includes('generated a master key'))).toHaveLength(1);
  });

  it('is not used when AR_MASTER_KEYS is set', async () => {
    const config = loadConfig({ AR_DATA_DIR: dataDir, AR_MASTER_KEYS: generateMasterKeyEntry('configured') });
    expect(await withEmbeddedMasterKeys(config, logger)).toBe(config);
    await expect(stat(path.join(dataDir, embeddedMasterKeyFile))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a damaged key file and warns about one others can read', async () => {
    const config = loadConfig({ AR_DATA_DIR: dataDir });
    await withEmbeddedMasterKeys(config, logger);
    const file = path.join(dataDir, embeddedMasterKeyFile);
    await writeFile(file, generateMasterKeyEntry('loose'), { mode: 0o644 });
    await chmod(file, 0o644);
    await withEmbeddedMasterKeys(config, logger);
    expect(lines.join('')).toMatch(/readable by other users: chmod 600 it/);
    await writeFile(file, 'garbage');
    await expect(withEmbeddedMasterKeys(config, logger)).rejects.toThrow(
      /master-keys: entry 1 must be <id>:<base64 key>/,
    );
  });
});
