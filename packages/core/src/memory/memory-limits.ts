/** Limits of the memory store, checked on every write (see docs/memory.md). */
export const memoryLimits = {
  /** Labels of a namespace, at most. */
  namespaceDepth: 10,
  /** Characters of one namespace label. */
  labelLength: 200,
  /** Characters of a key. */
  keyLength: 500,
  /** Bytes of an item's value, as UTF-8 JSON. */
  valueBytes: 64 * 1024,
  /** Value fields one item may name to embed. */
  indexFields: 16,
  /** Equality conditions of one search's `filter`. */
  filterFields: 16,
  /** Characters of a semantic search query. */
  queryLength: 2000,
  /** Longest time to live, in seconds (ten years). */
  ttlSeconds: 10 * 365 * 24 * 3600,
} as const;
