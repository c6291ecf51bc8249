import { AppError } from '../errors.ts';
import { isUuid } from '../ids.ts';

/** A request for one page of a list ordered newest first. */
export interface PageRequest {
  /** Opaque cursor from the previous page's `nextCursor`. */
  readonly cursor?: string | undefined;
  /** Items per page. */
  readonly limit: number;
}

/** One page of results and the cursor of the next, or null on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/**
 * A cursor is the sort key of the last item of a page, opaque to clients. Lists sort by id
 * (UUIDv7, so id order is creation order) or by a number such as a version.
 */
function encodeCursor(key: string | number): string {
  return Buffer.from(String(key), 'utf8').toString('base64url');
}

function invalidCursor(cursor: string): AppError {
  return new AppError('malformed_request', 'cursor is not valid', { cursor });
}

/** The id a cursor points after; a cursor this server did not issue is a 400. */
export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id)) throw invalidCursor(cursor);
  return id;
}

/** The positive integer a cursor points after. */
export function decodeNumberCursor(cursor: string): number {
  const key = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(key) || key < 1) throw invalidCursor(cursor);
  return key;
}

/**
 * The text parts a cursor points after, for lists sorted by several text columns (a memory
 * item's namespace and key): its `keyOf` returns `JSON.stringify(parts)`.
 */
export function decodeTextPartsCursor(cursor: string, count: number): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(cursor);
  }
  if (!Array.isArray(parts) || parts.length !== count || !parts.every((part) => typeof part === 'string')) {
    throw invalidCursor(cursor);
  }
  return parts as string[];
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says another page exists. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  keyOf: (row: R) => string | number = (row) => (row as { id: string }).id,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
