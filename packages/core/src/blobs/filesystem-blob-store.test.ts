import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeBlobStoreContract } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesystemBlobStore } from './filesystem-blob-store.ts';

describeBlobStoreContract('filesystem', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'blob-contract-'));
  return { store: new FilesystemBlobStore(root), close: () => rm(root, { recursive: true, force: true }) };
});

describe('FilesystemBlobStore on disk', () => {
  let parent: string;
  let root: string;
  let store: FilesystemBlobStore;
  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'blob-fs-'));
    root = path.join(parent, 'store');
    store = new FilesystemBlobStore(root);
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('keeps key a/b/c in the file <root>/a/b/c and leaves no temporary files behind', async () => {
    await Promise.all([1, 2, 3].map((n) => store.put('a/b/c', new Uint8Array([n]))));
    expect((await readFile(path.join(root, 'a', 'b', 'c'))).byteLength).toBe(1);
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('never reads or writes outside its root', async () => {
    await store.put('inside', new Uint8Array([1]));
    await expect(store.put('../outside', new Uint8Array([1]))).rejects.toThrow(/invalid blob key/);
    await expect(store.get('../store/inside')).rejects.toThrow(/invalid blob key/);
    expect(await readdir(parent)).toEqual(['store']);
  });

  it('does not count a directory as a blob', async () => {
    await store.put('dir/blob', new Uint8Array([1]));
    expect(await store.has('dir')).toBe(false);
    await expect(store.get('dir')).rejects.toMatchObject({ code: 'not_found' });
  });
});
