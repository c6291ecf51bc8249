import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/** Bytes of a master key and of every data key: AES-256. */
export const aesKeyBytes = 32;

/**
 * One master key: wraps the data keys of secrets. The key material lives in a `KeyObject`,
 * which neither `JSON.stringify` nor `util.inspect` reveals, so a logged config shows no key.
 */
export interface MasterKey {
  /** Stored beside every data key it wraps, so the right key unwraps it after a rotation. */
  readonly id: string;
  readonly key: KeyObject;
}

/** A master key id: letters, digits, `_` and `-`, at most 32 characters. */
export const masterKeyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses `AR_MASTER_KEYS`: `<id>:<base64 of 32 bytes>` entries separated by commas, the
 * current key first. Returns the keys, or the problem with the text (which never quotes key
 * material, since the text ends up in a boot error).
 */
export function parseMasterKeys(text: string): { keys: MasterKey[] } | { problem: string } {
  const keys: MasterKey[] = [];
  for (const [index, entry] of text.split(',').entries()) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, Math.max(separator, 0)).trim();
    const encoded = entry.slice(separator + 1).trim();
    if (separator < 0 || !masterKeyIdPattern.test(id)) {
      return { problem: `entry ${index + 1} must be <id>:<base64 key> with an id of letters, digits, "_" or "-"` };
    }
    const material = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || material.byteLength !== aesKeyBytes) {
      return { problem: `key "${id}" must be ${aesKeyBytes} random bytes in base64 (openssl rand -base64 32)` };
    }
    if (keys.some((key) => key.id === id)) return { problem: `key id "${id}" appears twice` };
    keys.push({ id, key: createSecretKey(material) });
  }
  return { keys };
}

/** A new random master key as an `AR_MASTER_KEYS` entry (`<id>:<base64>`). */
export function generateMasterKeyEntry(id: string): string {
  if (!masterKeyIdPattern.test(id)) throw new TypeError(`master key id "${id}" is not valid`);
  return `${id}:${randomBytes(aesKeyBytes).toString('base64')}`;
}
