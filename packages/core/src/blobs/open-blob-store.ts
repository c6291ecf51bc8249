import type { Config } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { FilesystemBlobStore } from './filesystem-blob-store.ts';

/**
 * The blob store a process's configuration selects; build it once in the composition root
 * and pass it down. Today the directory `AR_BLOB_DIR`; an S3 store joins behind the same
 * {@link BlobStore} interface.
 */
export function openBlobStore(config: Pick<Config, 'blobDir'>): BlobStore {
  return new FilesystemBlobStore(config.blobDir);
}
