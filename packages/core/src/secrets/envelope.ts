import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { AppError } from '../errors.ts';
import { aesKeyBytes, type MasterKey } from './master-keys.ts';

/**
 * Envelope encryption of secret values. Each secret gets its own random 256-bit data key;
 * the value is sealed with AES-256-GCM under the data key, and the data key is sealed
 * (wrapped) with AES-256-GCM under the current master key, whose id is stored beside it.
 * Rotating the master key re-wraps data keys only: values are never decrypted for it.
 *
 * Both seals authenticate the tenant id and the secret's name as additional data (the wrap
 * also the master key id), so a ciphertext copied to another row, tenant or name fails to
 * open instead of yielding another secret's value.
 *
 * Sealed layout (both): 12-byte random IV ‖ 16-byte GCM tag ‖ ciphertext.
 */

const ivBytes = 12;
const tagBytes = 16;
const algorithm = 'aes-256-gcm';
const valueContext = 'agent-runtime:secret-value:v1';
const dataKeyContext = 'agent-runtime:data-key:v1';

/** What a sealed value is bound to: it only opens for the same tenant and name. */
export interface SecretBinding {
  readonly tenantId: string;
  readonly name: string;
}

/** A secret value as stored: nothing here reveals the value without a master key. */
export interface SealedSecret {
  /** Id of the master key that wrapped {@link SealedSecret.wrappedDataKey}. */
  readonly keyId: string;
  /** The data key sealed under the master key. */
  readonly wrappedDataKey: Uint8Array;
  /** The value (UTF-8) sealed under the data key. */
  readonly ciphertext: Uint8Array;
}

/** Why a sealed secret did not open. Never carries key material or plaintext. */
export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
  readonly reason: 'unknown_master_key' | 'authentication_failed';
  readonly secretName: string;
  readonly keyId: string;

  constructor(reason: SecretDecryptionError['reason'], binding: SecretBinding, keyId: string) {
    super(
      reason === 'unknown_master_key'
        ? `secret "${binding.name}" is wrapped under master key "${keyId}", which AR_MASTER_KEYS does not hold`
        : `secret "${binding.name}" did not decrypt under master key "${keyId}": wrong key, or the stored data was altered`,
    );
    this.reason = reason;
    this.secretName = binding.name;
    this.keyId = keyId;
  }
}

function additionalData(context: string, ...parts: string[]): Buffer {
  // NUL cannot occur in tenant ids, names or key ids, so the parts cannot run into each other.
  return Buffer.from([context, ...parts].join('\0'), 'utf8');
}

function seal(key: KeyObject | Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: tagBytes }).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext, or undefined when the tag does not verify (wrong key, AAD or altered bytes). */
function open(key: KeyObject | Buffer, sealed: Uint8Array, aad: Buffer): Buffer | undefined {
  const bytes = Buffer.from(sealed);
  if (bytes.byteLength < ivBytes + tagBytes) return undefined;
  const decipher = createDecipheriv(algorithm, key, bytes.subarray(0, ivBytes), { authTagLength: tagBytes })
    .setAAD(aad)
    .setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** The master key new data keys are wrapped under: the first configured one. */
export function currentMasterKey(masterKeys: readonly MasterKey[]): MasterKey {
  const current = masterKeys[0];
  if (!current) {
    throw new AppError(
      'dependency_unavailable',
      'no master key is configured: set AR_MASTER_KEYS (see docs/secrets.md)',
    );
  }
  return current;
}

function wrapDataKey(master: MasterKey, binding: SecretBinding, dataKey: Buffer): Buffer {
  return seal(master.key, dataKey, additionalData(dataKeyContext, binding.tenantId, binding.name, master.id));
}

function unwrapDataKey(masterKeys: readonly MasterKey[], binding: SecretBinding, sealed: SealedSecret): Buffer {
  const master = masterKeys.find((key) => key.id === sealed.keyId);
  if (!master) throw new SecretDecryptionError('unknown_master_key', binding, sealed.keyId);
  const aad = additionalData(dataKeyContext, binding.tenantId, binding.name, master.id);
  const dataKey = open(master.key, sealed.wrappedDataKey, aad);
  if (dataKey?.byteLength !== aesKeyBytes) throw new SecretDecryptionError('authentication_failed', binding, master.id);
  return dataKey;
}

/** Seals a value under a fresh data key, wrapped under the current master key. */
export function sealSecret(masterKeys: readonly MasterKey[], binding: SecretBinding, value: string): SealedSecret {
  const master = currentMasterKey(masterKeys);
  const dataKey = randomBytes(aesKeyBytes);
  try {
    const ciphertext = seal(
      dataKey,
      Buffer.from(value, 'utf8'),
      additionalData(valueContext, binding.tenantId, binding.name),
    );
    return { keyId: master.id, wrappedDataKey: wrapDataKey(master, binding, dataKey), ciphertext };
  } finally {
    dataKey.fill(0);
  }
}

/** The value of a sealed secret; throws {@link SecretDecryptionError} when it cannot be opened. */
export function openSecret(masterKeys: readonly MasterKey[], binding: SecretBinding, sealed: SealedSecret): string {
  const dataKey = unwrapDataKey(masterKeys, binding, sealed);
  try {
    const value = open(dataKey, sealed.ciphertext, additionalData(valueContext, binding.tenantId, binding.name));
    if (!value) throw new SecretDecryptionError('authentication_failed', binding, sealed.keyId);
    return value.toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

/**
 * The same secret with its data key re-wrapped under the current master key (rotation).
 * The value's ciphertext is unchanged and the value is never decrypted.
 */
export function rewrapSecret(
  masterKeys: readonly MasterKey[],
  binding: SecretBinding,
  sealed: SealedSecret,
): SealedSecret {
  const master = currentMasterKey(masterKeys);
  if (sealed.keyId === master.id) return sealed;
  const dataKey = unwrapDataKey(masterKeys, binding, sealed);
  try {
    return { keyId: master.id, wrappedDataKey: wrapDataKey(master, binding, dataKey), ciphertext: sealed.ciphertext };
  } finally {
    dataKey.fill(0);
  }
}
