import type { BlobStore } from './blob-store.ts';

/** Blobs deleted at once: enough to overlap round trips to S3, few enough not to flood it. */
const parallelDeletes = 16;

/**
 * Deletes every blob whose key starts with `prefix` (whole segments ending in `/`, see
 * `BlobStore.list`), page by page. Idempotent: a second call, or one after a failure midway,
 * deletes what is left.
 * @returns how many blobs it deleted
 */
export async function deleteBlobsUnder(blobs: BlobStore, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await blobs.list(prefix, { cursor });
    for (let index = 0; index < page.blobs.length; index += parallelDeletes) {
      await Promise.all(page.blobs.slice(index, index + parallelDeletes).map((blob) => blobs.delete(blob.key)));
    }
    deleted += page.blobs.length;
    cursor = page.next;
  } while (cursor !== undefined);
  return deleted;
}
