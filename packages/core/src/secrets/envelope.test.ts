import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { openSecret, rewrapSecret, sealSecret, SecretDecryptionError, type SealedSecret } from './envelope.ts';
import { generateMasterKeyEntry, parseMasterKeys, type MasterKey } from './master-keys.ts';

function keys(...ids: string[]): MasterKey[] {
  const parsed = parseMasterKeys(ids.map((id) => generateMasterKeyEntry(id)).join(','));
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.keys;
}

const binding = { tenantId: '0192f0c4-0000-7000-8000-000000000001', name: 'CRM_TOKEN' };
const value = 'crm-token-ünïcode-🔑-0123456789';

function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

function decryptionFailure(work: () => unknown): SecretDecryptionError {
  try {
    work();
  } catch (error) {
    if (error instanceof SecretDecryptionError) return error;
    throw error;
  }
  throw new Error('expected a SecretDecryptionError');
}

describe('secret envelopes', () => {
  it('round-trips a value, with a fresh data key and IV every time', () => {
    const masterKeys = keys('k1');
    const first = sealSecret(masterKeys, binding, value);
    const second = sealSecret(masterKeys, binding, value);
    expect(first.keyId).toBe('k1');
    expect(openSecret(masterKeys, binding, first)).toBe(value);
    expect(openSecret(masterKeys, binding, second)).toBe(value);
    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
    expect(Buffer.from(first.wrappedDataKey).equals(Buffer.from(second.wrappedDataKey))).toBe(false);
    // IV ‖ tag ‖ ciphertext: the value's bytes and 28 more; the wrapped key 32 + 28.
    expect(first.ciphertext.byteLength).toBe(Buffer.byteLength(value) + 28);
    expect(first.wrappedDataKey.byteLength).toBe(60);
    expect(Buffer.from(first.ciphertext).includes(Buffer.from(value))).toBe(false);
  });

  it('detects tampering with the value, the wrapped key, the IV or the tag', () => {
    const masterKeys = keys('k1');
    const sealed = sealSecret(masterKeys, binding, value);
    const tampered: SealedSecret[] = [
      { ...sealed, ciphertext: flipByte(sealed.ciphertext, sealed.ciphertext.byteLength - 1) },
      { ...sealed, ciphertext: flipByte(sealed.ciphertext, 0) },
      { ...sealed, ciphertext: flipByte(sealed.ciphertext, 12) },
      { ...sealed, wrappedDataKey: flipByte(sealed.wrappedDataKey, 40) },
      { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 20) },
    ];
    for (const variant of tampered) {
      expect(decryptionFailure(() => openSecret(masterKeys, binding, variant)).reason).toBe('authentication_failed');
    }
  });

  it('does not open under another tenant or name (ciphertexts cannot move between rows)', () => {
    const masterKeys = keys('k1');
    const sealed = sealSecret(masterKeys, binding, value);
    const otherTenant = { ...binding, tenantId: '0192f0c4-0000-7000-8000-000000000002' };
    const otherName = { ...binding, name: 'CRM_TOKEN2' };
    expect(decryptionFailure(() => openSecret(masterKeys, otherTenant, sealed)).reason).toBe('authentication_failed');
    const failure = decryptionFailure(() => openSecret(masterKeys, otherName, sealed));
    expect(failure.message).toMatch(/secret "CRM_TOKEN2" did not decrypt under master key "k1"/);
    // The value sealed for one name, with the data key of another: still refused.
    const neighbour = sealSecret(masterKeys, otherName, 'neighbour');
    const spliced = { ...neighbour, ciphertext: sealed.ciphertext };
    expect(decryptionFailure(() => openSecret(masterKeys, otherName, spliced)).reason).toBe('authentication_failed');
  });

  it('names an unknown master key id, and a key id swapped in fails', () => {
    const [k1, k2] = keys('k1', 'k2') as [MasterKey, MasterKey];
    const sealed = sealSecret([k1], binding, value);
    const failure = decryptionFailure(() => openSecret([k2], binding, sealed));
    expect(failure).toMatchObject({ reason: 'unknown_master_key', keyId: 'k1', secretName: 'CRM_TOKEN' });
    expect(failure.message).not.toContain(value);
    // Same key material under another id: the id is bound into the wrap.
    const renamed = { id: 'k9', key: k1.key };
    expect(() => openSecret([renamed], binding, { ...sealed, keyId: 'k9' })).toThrow(SecretDecryptionError);
  });

  it('rotates: re-wraps the data key under the new current key without touching the value', () => {
    const [oldKey, newKey] = keys('old', 'new') as [MasterKey, MasterKey];
    const sealed = sealSecret([oldKey], binding, value);
    // Step 1: the new key goes first; the old one still opens what it wrapped.
    const duringRotation = [newKey, oldKey];
    expect(openSecret(duringRotation, binding, sealed)).toBe(value);
    expect(sealSecret(duringRotation, binding, 'fresh').keyId).toBe('new');
    // Step 2: rewrap.
    const rewrapped = rewrapSecret(duringRotation, binding, sealed);
    expect(rewrapped.keyId).toBe('new');
    expect(Buffer.from(rewrapped.ciphertext).equals(Buffer.from(sealed.ciphertext))).toBe(true);
    expect(rewrapSecret(duringRotation, binding, rewrapped)).toBe(rewrapped);
    // Step 3: the old key is removed; the rewrapped secret still opens, the old form does not.
    expect(openSecret([newKey], binding, rewrapped)).toBe(value);
    expect(decryptionFailure(() => openSecret([newKey], binding, sealed)).reason).toBe('unknown_master_key');
  });

  it('refuses to seal without a master key', () => {
    expect(() => sealSecret([], binding, value)).toThrow(/no master key is configured: set AR_MASTER_KEYS/);
  });
});

describe('AR_MASTER_KEYS', () => {
  it('parses keys in order, the first current, and never shows key material', () => {
    const text = `${generateMasterKeyEntry('2025-b')}, ${generateMasterKeyEntry('2025-a')}`;
    const config = loadConfig({ AR_MASTER_KEYS: text });
    expect(config.AR_MASTER_KEYS.map((key) => key.id)).toEqual(['2025-b', '2025-a']);
    const material = text.split(',')[0]?.split(':')[1] ?? '';
    expect(JSON.stringify(config)).not.toContain(material);
    expect(inspect(config, { depth: 10 })).not.toContain(material);
    expect(loadConfig({}).AR_MASTER_KEYS).toEqual([]);
  });

  it('rejects malformed entries without quoting them', () => {
    const short = `k1:${Buffer.alloc(16, 7).toString('base64')}`;
    for (const [text, message] of [
      ['nokey', /entry 1 must be <id>:<base64 key>/],
      [short, /key "k1" must be 32 random bytes in base64/],
      ['k1:not base64!', /key "k1" must be 32 random bytes/],
      [`${generateMasterKeyEntry('k1')},${generateMasterKeyEntry('k1')}`, /key id "k1" appears twice/],
      [`bad id:${Buffer.alloc(32).toString('base64')}`, /entry 1 must be/],
    ] as const) {
      expect(() => loadConfig({ AR_MASTER_KEYS: text })).toThrow(message);
    }
    try {
      loadConfig({ AR_MASTER_KEYS: short });
    } catch (error) {
      expect((error as Error).message).not.toContain(short.slice(3));
    }
  });
});
