import type { Readable } from 'node:stream';
import { AppError, NotFoundError } from '../errors.ts';

/** Options of {@link BlobStore.put}. */
export interface PutBlobOptions {
  /**
   * MIME type of the bytes. Stores that keep object metadata (S3) record it; the filesystem
   * store does not, so callers that need it back keep it with their own records.
   * @default application/octet-stream
   */
  readonly contentType?: string;
}

/** Options of {@link BlobStore.putStream}. */
export interface PutBlobStreamOptions extends PutBlobOptions {
  /**
   * Largest accepted stream, in bytes. The byte past it aborts the write with a
   * {@link BlobTooLargeError} and nothing is stored (a blob already under the key stays).
   * @default no limit
   */
  readonly maxBytes?: number;
}

/**
 * The bytes of a streamed put, chunk by chunk: a Node `Readable`, an async generator, or
 * an array of chunks. Strings (a `Readable` with an encoding set) count as UTF-8.
 */
export type BlobSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** A stored blob opened for reading by {@link BlobStore.getStream}. */
export interface BlobReadStream {
  /** The bytes; the caller must consume or destroy it. */
  readonly stream: Readable;
  /** Length in bytes of what `stream` yields. */
  readonly size: number;
}

/** What {@link BlobStore.put} stored. */
export interface StoredBlob {
  readonly key: string;
  /** Length in bytes. */
  readonly size: number;
  /** sha256 of the bytes, lowercase hex. */
  readonly sha256: string;
}

/** One blob {@link BlobStore.list} found. */
export interface ListedBlob {
  readonly key: string;
  /** Length in bytes. */
  readonly size: number;
  /** When the bytes under the key were last written. */
  readonly modifiedAt: Date;
}

/** Options of {@link BlobStore.list}. */
export interface ListBlobsOptions {
  /** The `next` of the page before; the listing continues after it. @default from the start */
  readonly cursor?: string | undefined;
  /** Most blobs in one page. @default 1000 */
  readonly limit?: number;
}

/** One page of {@link BlobStore.list}. */
export interface BlobPage {
  readonly blobs: ListedBlob[];
  /** Where the next page starts ({@link ListBlobsOptions.cursor}); undefined after the last page. */
  readonly next?: string;
}

/**
 * Durable storage of immutable byte strings under string keys: large Temporal payloads
 * (claim check) and artifacts. Embedded, a local directory ({@link FilesystemBlobStore});
 * in production, a store every API and worker process shares (S3).
 *
 * Keys are `/`-separated segments of letters, digits, `.`, `_` and `-` (see
 * {@link assertValidBlobKey}); every method rejects other keys with an `InvalidBlobKeyError`.
 * Callers lay keys out by kind with a fixed depth (`payloads/sha256/ab/ab12…`), so a key is
 * never also the "directory" of another key.
 */
export interface BlobStore {
  /**
   * Stores `bytes` under `key`, replacing what was there. Atomic: a reader sees the old
   * bytes or the new ones, never a part; once the promise resolves the bytes are durable.
   */
  put(key: string, bytes: Uint8Array, options?: PutBlobOptions): Promise<StoredBlob>;
  /**
   * Stores the bytes `source` yields under `key`, with the guarantees of {@link put}, while
   * measuring their size and sha256. Never holds the whole stream in memory: at most one
   * chunk (filesystem) or one multipart part (S3). A source that fails, or one longer than
   * `maxBytes`, stores nothing and rejects.
   * @throws BlobTooLargeError past `options.maxBytes`.
   */
  putStream(key: string, source: BlobSource, options?: PutBlobStreamOptions): Promise<StoredBlob>;
  /**
   * The bytes stored under `key`, as a stream, and their size.
   * @throws BlobNotFoundError when nothing is stored under `key`.
   */
  getStream(key: string): Promise<BlobReadStream>;
  /**
   * The bytes stored under `key`.
   * @throws BlobNotFoundError when nothing is stored under `key`.
   */
  get(key: string): Promise<Uint8Array>;
  /** Whether something is stored under `key`. */
  has(key: string): Promise<boolean>;
  /** Removes the blob under `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * The blobs whose keys start with `prefix`, a page at a time, in an order each store keeps
   * fixed (so a cursor resumes where its page ended, blobs deleted meanwhile or not).
   * `prefix` is `''` (every blob) or whole segments ending in `/` (`payloads/workflows/`).
   */
  list(prefix: string, options?: ListBlobsOptions): Promise<BlobPage>;
}

/** Raised by {@link BlobStore.get} when no blob is stored under the key. */
export class BlobNotFoundError extends NotFoundError {
  constructor(key: string) {
    super('blob', key);
  }
}

/** Raised by {@link BlobStore.putStream} when the stream is longer than its `maxBytes`. */
export class BlobTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('payload_too_large', `the content is larger than the limit of ${limitBytes} bytes`, { limitBytes });
  }
}
