import { AppError } from '../errors.ts';

/** Longest accepted key, in characters (S3's limit is 1,024 bytes). */
export const maxBlobKeyLength = 1024;

// A segment never starts with a dot, which rules out `.`, `..` and hidden files, and leaves
// names like `.tmp` free for a store's own bookkeeping.
const segmentPattern = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

/** Raised when a blob key could escape its store or would not map onto every backend. */
export class InvalidBlobKeyError extends AppError {
  constructor(key: string, reason: string) {
    super('validation_failed', `invalid blob key ${JSON.stringify(key.slice(0, 80))}: ${reason}`, { reason });
  }
}

/**
 * Accepts keys of `/`-separated segments, each 1–255 characters of letters, digits, `.`,
 * `_` and `-` and not starting with `.`; at most {@link maxBlobKeyLength} characters.
 * No absolute paths, empty segments, `..`, backslashes or percent escapes: a key maps onto
 * a path under the store's root and onto an S3 object key the same way.
 * @throws InvalidBlobKeyError otherwise.
 */
export function assertValidBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidBlobKeyError(String(key), 'empty');
  if (key.length > maxBlobKeyLength) throw new InvalidBlobKeyError(key, `longer than ${maxBlobKeyLength}`);
  for (const segment of key.split('/')) {
    if (!segmentPattern.test(segment)) {
      throw new InvalidBlobKeyError(key, `bad segment ${JSON.stringify(segment)}`);
    }
  }
}

/**
 * Accepts the prefix of a listing: `''`, or whole key segments followed by `/`.
 * @returns its segments (none for `''`)
 * @throws InvalidBlobKeyError otherwise.
 */
export function blobPrefixSegments(prefix: string): string[] {
  if (prefix === '') return [];
  if (!prefix.endsWith('/')) throw new InvalidBlobKeyError(prefix, 'a prefix ends with "/"');
  const key = prefix.slice(0, -1);
  assertValidBlobKey(key);
  return key.split('/');
}
