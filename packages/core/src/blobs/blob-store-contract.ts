// Test support, not part of the package's public surface: every BlobStore implementation
// runs this suite from its own test file, so all stores behave alike.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidBlobKeyError } from './blob-key.ts';
import { BlobNotFoundError, type BlobStore } from './blob-store.ts';

/** A store under test and how to dispose of it. */
export interface BlobStoreFixture {
  readonly store: BlobStore;
  /** Removes whatever the store holds (its directory, bucket prefix…). */
  close(): Promise<void>;
}

const invalidKeys = [
  '',
  '/absolute',
  'trailing/',
  'double//slash',
  '..',
  '../escape',
  'a/../../escape',
  'a/./b',
  '.hidden',
  'back\\slash',
  'percent%2e%2e',
  'with space',
  'nul\u0000byte',
  'ünicode',
  'x'.repeat(1025),
];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The behaviour every {@link BlobStore} promises. Call it from an implementation's test
 * file: `describeBlobStoreContract('filesystem', async () => ({ store, close }))`.
 * Each test uses keys of its own, so one store serves the whole suite.
 */
export function describeBlobStoreContract(name: string, open: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;
    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterAll(() => fixture.close());

    it('returns the bytes it stored, with their size and sha256', async () => {
      const bytes = new Uint8Array(256).map((_, index) => index);
      const stored = await store.put('contract/round-trip', bytes, { contentType: 'application/octet-stream' });
      expect(stored).toEqual({ key: 'contract/round-trip', size: 256, sha256: sha256(bytes) });
      expect(await store.get('contract/round-trip')).toEqual(bytes);
    });

    it('stores empty and multi-megabyte blobs', async () => {
      const large = new Uint8Array(randomBytes(5 * 1024 * 1024));
      await store.put('contract/empty', new Uint8Array(0));
      await store.put('contract/large', large);
      expect(await store.get('contract/empty')).toEqual(new Uint8Array(0));
      const read = await store.get('contract/large');
      expect(read.byteLength).toBe(large.byteLength);
      expect(sha256(read)).toBe(sha256(large));
    });

    it('replaces a blob put twice under one key', async () => {
      await store.put('contract/replaced', new TextEncoder().encode('first'));
      await store.put('contract/replaced', new TextEncoder().encode('second, longer'));
      expect(new TextDecoder().decode(await store.get('contract/replaced'))).toBe('second, longer');
    });

    it('never shows a torn blob to concurrent writers and readers', async () => {
      const versions = [1, 2, 3, 4].map((fill) => new Uint8Array(256 * 1024).fill(fill));
      await store.put('contract/contended', versions[0] ?? new Uint8Array(0));
      const reads: Promise<Uint8Array>[] = [];
      await Promise.all(
        versions.map((bytes) => {
          reads.push(store.get('contract/contended'));
          return store.put('contract/contended', bytes);
        }),
      );
      const hashes = new Set(versions.map(sha256));
      for (const read of [...(await Promise.all(reads)), await store.get('contract/contended')]) {
        expect(hashes).toContain(sha256(read));
      }
    });

    it('reports missing keys as BlobNotFoundError (code not_found)', async () => {
      const missing = store.get('contract/never-stored');
      await expect(missing).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(missing).rejects.toMatchObject({ code: 'not_found' });
      expect(await store.has('contract/never-stored')).toBe(false);
      expect(await store.has('contract')).toBe(false);
    });

    it('tells whether a key is stored, and deletes idempotently', async () => {
      await store.put('contract/deleted', new Uint8Array([1]));
      expect(await store.has('contract/deleted')).toBe(true);
      await store.delete('contract/deleted');
      expect(await store.has('contract/deleted')).toBe(false);
      await expect(store.get('contract/deleted')).rejects.toBeInstanceOf(BlobNotFoundError);
      await store.delete('contract/deleted');
    });

    it('accepts keys of letters, digits, dot, underscore and dash segments', async () => {
      const key = `payloads/sha256/ab/${'ab'.repeat(32)}/v1.2_final-x`;
      await store.put(key, new Uint8Array([7]));
      expect(await store.get(key)).toEqual(new Uint8Array([7]));
    });

    it.each(invalidKeys)('rejects the key %j in every method', async (key) => {
      await expect(store.put(key, new Uint8Array([1]))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.has(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });
  });
}
