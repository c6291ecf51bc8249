import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { blobPrefixSegments } from './blob-key.ts';
import type { BlobPage, ListBlobsOptions, ListedBlob } from './blob-store.ts';

/** Segment by segment, each as a string: the order of a depth-first walk over sorted names. */
function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    if (a[index] !== b[index]) return a[index]! < b[index]! ? -1 : 1;
  }
  return a.length - b.length;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * `FilesystemBlobStore.list`: a depth-first walk over sorted directory entries from the
 * prefix's directory. The cursor is the last key of the page before; directories wholly
 * before it are skipped without being read, so each page costs its own blobs plus one path
 * down to the cursor. Names starting with `.` (the store's temporary files) are no keys.
 */
export async function listFilesystemBlobs(
  root: string,
  prefix: string,
  options: ListBlobsOptions = {},
): Promise<BlobPage> {
  const limit = options.limit ?? 1000;
  const after = options.cursor === undefined ? undefined : options.cursor.split('/');
  const blobs: ListedBlob[] = [];

  /** Walks one directory; true once the page is full. */
  const walk = async (segments: string[]): Promise<boolean> => {
    let names: string[];
    try {
      names = (await readdir(path.join(root, ...segments))).sort();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const child = [...segments, name];
      if (after !== undefined && compareSegments(child, after) <= 0 && !startsWith(after, child)) continue;
      let stats;
      try {
        stats = await stat(path.join(root, ...child));
      } catch (error) {
        if (isMissing(error)) continue; // deleted while we walked
        throw error;
      }
      if (stats.isDirectory()) {
        if (await walk(child)) return true;
      } else if (stats.isFile() && (after === undefined || compareSegments(child, after) > 0)) {
        blobs.push({ key: child.join('/'), size: stats.size, modifiedAt: stats.mtime });
        if (blobs.length >= limit) return true;
      }
    }
    return false;
  };

  const full = await walk(blobPrefixSegments(prefix));
  const last = blobs.at(-1);
  return full && last ? { blobs, next: last.key } : { blobs };
}
