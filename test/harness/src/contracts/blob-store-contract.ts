// Every BlobStore implementation runs this suite from its own test file, so all stores behave
// alike; it lives in the harness so the core package's src holds only what it ships.
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BlobNotFoundError, BlobTooLargeError, InvalidBlobKeyError, type BlobStore } from '@agent-runtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

/** A generated stream of `chunks` random 64 KiB chunks, and the sha256 of all it yielded. */
function randomChunks(chunks: number, options: { failAfter?: number } = {}) {
  const hash = createHash('sha256');
  let yielded = 0;
  async function* generate(): AsyncGenerator<Uint8Array> {
    for (let index = 0; index < chunks; index += 1) {
      if (index === options.failAfter) throw new Error('the source broke');
      const chunk = new Uint8Array(randomBytes(64 * 1024));
      hash.update(chunk);
      yielded += chunk.byteLength;
      yield chunk;
    }
  }
  return { source: generate(), yielded: () => yielded, sha256: () => hash.digest('hex') };
}

/** Reads a stream to its end, hashing it; resolves to its size and sha256. */
async function drain(stream: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}

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

    it('streams a blob longer than a multipart part in and out, measuring it on the way', async () => {
      const generated = randomChunks(160); // 10 MiB: two parts on S3
      const stored = await store.putStream('contract/streamed', generated.source, { contentType: 'video/mp4' });
      expect(stored).toEqual({ key: 'contract/streamed', size: 160 * 64 * 1024, sha256: generated.sha256() });
      const read = await store.getStream('contract/streamed');
      expect(read.size).toBe(stored.size);
      expect(await drain(read.stream)).toEqual({ size: stored.size, sha256: stored.sha256 });
      const whole = await store.get('contract/streamed');
      expect(sha256(whole)).toBe(stored.sha256);
    });

    it('streams empty and one-chunk blobs, and reads put blobs as streams', async () => {
      const empty = await store.putStream('contract/streamed-empty', (async function* () {})());
      expect(empty).toEqual({ key: 'contract/streamed-empty', size: 0, sha256: sha256(new Uint8Array(0)) });
      expect(await drain((await store.getStream('contract/streamed-empty')).stream)).toEqual({
        size: 0,
        sha256: empty.sha256,
      });
      const bytes = new TextEncoder().encode('one chunk');
      await store.put('contract/put-then-streamed', bytes);
      const read = await store.getStream('contract/put-then-streamed');
      expect(read.size).toBe(bytes.byteLength);
      expect(await drain(read.stream)).toEqual({ size: bytes.byteLength, sha256: sha256(bytes) });
    });

    it('stops a stream past maxBytes with BlobTooLargeError, storing nothing and keeping the old blob', async () => {
      await store.put('contract/kept', new TextEncoder().encode('old'));
      const generated = randomChunks(200); // 12.5 MiB offered, 9 MiB allowed
      const write = store.putStream('contract/kept', generated.source, { maxBytes: 9 * 1024 * 1024 });
      await expect(write).rejects.toBeInstanceOf(BlobTooLargeError);
      await expect(write).rejects.toMatchObject({
        code: 'payload_too_large',
        details: { limitBytes: 9 * 1024 * 1024 },
      });
      expect(generated.yielded()).toBeLessThanOrEqual(9 * 1024 * 1024 + 64 * 1024);
      expect(new TextDecoder().decode(await store.get('contract/kept'))).toBe('old');
      const fresh = store.putStream('contract/never-too-large', randomChunks(2).source, { maxBytes: 1000 });
      await expect(fresh).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await store.has('contract/never-too-large')).toBe(false);
    });

    it('stores nothing when the source fails midway, before or after a part went up', async () => {
      for (const failAfter of [3, 150]) {
        const key = `contract/broken-${failAfter}`;
        const write = store.putStream(key, randomChunks(200, { failAfter }).source);
        await expect(write).rejects.toThrow('the source broke');
        expect(await store.has(key)).toBe(false);
      }
    });

    it('reports a missing key to getStream as BlobNotFoundError', async () => {
      await expect(store.getStream('contract/never-stored')).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('lists the blobs under a prefix page by page, each once, with size and time, and nothing else', async () => {
      const keys = ['list/a/1', 'list/a/2', 'list/a-b', 'list/b/c/3', 'list/b/d', 'list/z'];
      const before = Date.now() - 60_000;
      for (const key of keys) await store.put(key, new TextEncoder().encode(key));
      await store.put('listless/1', new Uint8Array([1]));
      const listed: { key: string; size: number; modifiedAt: Date }[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list('list/', { cursor, limit: 2 });
        expect(page.blobs.length).toBeLessThanOrEqual(2);
        listed.push(...page.blobs);
        cursor = page.next;
      } while (cursor !== undefined);
      expect(listed.map((blob) => blob.key).sort()).toEqual([...keys].sort());
      for (const blob of listed) {
        expect(blob.size).toBe(blob.key.length);
        expect(blob.modifiedAt.getTime()).toBeGreaterThan(before);
      }
      // A cursor still resumes after its blob was deleted; a prefix is whole segments.
      const first = await store.list('list/', { limit: 1 });
      await store.delete(first.blobs[0]!.key);
      const rest = await store.list('list/', { cursor: first.next });
      expect(rest.blobs.map((blob) => blob.key).sort()).toEqual(
        keys.filter((key) => key !== first.blobs[0]!.key).sort(),
      );
      expect(rest.next).toBeUndefined();
      expect((await store.list('list/b/')).blobs.map((blob) => blob.key).sort()).toEqual(['list/b/c/3', 'list/b/d']);
      expect(await store.list('never-stored/')).toEqual({ blobs: [] });
      await expect(store.list('list')).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.list('../')).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it.each(invalidKeys)('rejects the key %j in every method', async (key) => {
      await expect(store.put(key, new Uint8Array([1]))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.putStream(key, randomChunks(1).source)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.getStream(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.has(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });
  });
}
