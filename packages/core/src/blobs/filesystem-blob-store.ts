import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { assertValidBlobKey, InvalidBlobKeyError } from './blob-key.ts';
import { listFilesystemBlobs } from './filesystem-blob-listing.ts';
import {
  BlobNotFoundError,
  type BlobPage,
  type BlobReadStream,
  type ListBlobsOptions,
  type BlobSource,
  type BlobStore,
  type PutBlobStreamOptions,
  type StoredBlob,
} from './blob-store.ts';
import { BlobStreamMeter } from './blob-stream-meter.ts';

/** Where unfinished writes live, beside the blobs so `rename` never crosses filesystems. */
const tempDirName = '.tmp';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * A {@link BlobStore} in a local directory: key `a/b/c` is the file `<root>/a/b/c`. Writes
 * go to a temporary file that is flushed to disk and then renamed into place, so a crash
 * leaves the old blob or the new one, never a torn file. Several processes on one machine
 * (or on a shared volume) may use the same root.
 */
export class FilesystemBlobStore implements BlobStore {
  readonly #root: string;

  /** @param root The store's directory; created on the first write. */
  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  /** `contentType` is not kept: a directory has nowhere to put it (see `PutBlobOptions`). */
  async put(key: string, bytes: Uint8Array): Promise<StoredBlob> {
    await this.#writeAtomically(key, async (file) => {
      await file.writeFile(bytes);
    });
    return { key, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** Writes chunk by chunk into a temporary file; `contentType` is not kept, as with `put`. */
  async putStream(key: string, source: BlobSource, options: PutBlobStreamOptions = {}): Promise<StoredBlob> {
    const meter = new BlobStreamMeter(options.maxBytes);
    await this.#writeAtomically(key, async (file) => {
      for await (const chunk of meter.measure(source)) await file.write(chunk);
    });
    return { key, size: meter.size, sha256: meter.sha256 };
  }

  /** Size and stream come from one open file, so a concurrent replace cannot mismatch them. */
  async getStream(key: string): Promise<BlobReadStream> {
    let file: FileHandle;
    try {
      file = await open(this.#pathOf(key), 'r');
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') throw new BlobNotFoundError(key);
      throw error;
    }
    try {
      const stats = await file.stat();
      if (!stats.isFile()) throw new BlobNotFoundError(key);
      return { stream: file.createReadStream({ autoClose: true }), size: stats.size };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const buffer = await readFile(this.#pathOf(key));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.#pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const target = this.#pathOf(key);
    if (await this.has(key)) await rm(target, { force: true });
  }

  /** Keys in depth-first order over sorted names; `modifiedAt` is the file's mtime. */
  list(prefix: string, options?: ListBlobsOptions): Promise<BlobPage> {
    return listFilesystemBlobs(this.#root, prefix, options);
  }

  /**
   * Runs `write` on a fresh temporary file, flushes it and renames it onto the key's file:
   * a failed write leaves the old blob, and no temporary file, behind.
   */
  async #writeAtomically(key: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
    const target = this.#pathOf(key);
    const tempDir = path.join(this.#root, tempDirName);
    await mkdir(tempDir, { recursive: true });
    const tempFile = path.join(tempDir, randomUUID());
    try {
      const file = await open(tempFile, 'wx');
      try {
        await write(file);
        await file.sync();
      } finally {
        await file.close();
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tempFile, target);
    } catch (error) {
      await rm(tempFile, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(target));
  }

  /** The file of a key; validation keeps it under the root, and the check below makes sure. */
  #pathOf(key: string): string {
    assertValidBlobKey(key);
    const resolved = path.resolve(this.#root, ...key.split('/'));
    if (!resolved.startsWith(this.#root + path.sep)) throw new InvalidBlobKeyError(key, 'outside the store');
    return resolved;
  }
}

/** Makes a rename durable: the new directory entry reaches the disk, not just the file data. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
