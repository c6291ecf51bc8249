import type { Kysely, Transaction } from 'kysely';
import type { Page, PageRequest } from '../db/pagination.ts';
import {
  deleteExpiredMemoryItems,
  deleteMemoryItem,
  getMemoryItem,
  listMemoryItems,
  listMemoryNamespaces,
  memoryVectorsAvailable,
  nearestMemoryItems,
  putMemoryItem,
  type MemoryNamespaceQuery,
} from '../db/repositories/memory-items.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Embedder } from './embedder.ts';
import { indexedTextOf } from './indexed-text.ts';
import { memoryLimits } from './memory-limits.ts';
import {
  memoryValueBytes,
  type MemoryItem,
  type MemoryPut,
  type MemorySearch,
  type MemorySearchHit,
} from './memory-item.ts';

/**
 * The long-term memory store of every tenant: the one owner of memory items, which the API's
 * `/v1/store` routes and the workers' memory tools both call (see docs/memory.md).
 */
export interface MemoryStore {
  /**
   * Creates or replaces an item; embeds the fields `put.index` names first (outside the
   * write's transaction: a provider call holds no lock).
   * @param inWrite runs in the write's transaction (the route's audit entry), so both commit together.
   * @throws AppError `validation_failed` (value too large), `semantic_search_unavailable`
   *   (`index` without an embedder or vectors), `dependency_unavailable` (the embedder failed).
   */
  put(
    tenantId: string,
    put: MemoryPut,
    inWrite?: (trx: Transaction<Database>, item: MemoryItem, created: boolean) => Promise<void>,
  ): Promise<{ item: MemoryItem; created: boolean }>;
  /** @throws NotFoundError when the tenant has no such live item. */
  get(tenantId: string, namespace: readonly string[], key: string): Promise<MemoryItem>;
  /**
   * @param inWrite runs in the delete's transaction.
   * @throws NotFoundError when the tenant has no such live item.
   */
  delete(
    tenantId: string,
    namespace: readonly string[],
    key: string,
    inWrite?: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void>;
  /**
   * Items under a namespace prefix that match the filter: in namespace and key order a page
   * at a time, or with `query` the `limit` nearest by meaning (one page).
   * @throws AppError `semantic_search_unavailable` for a `query` without an embedder or vectors.
   */
  search(tenantId: string, search: MemorySearch): Promise<Page<MemorySearchHit>>;
  /** The namespaces holding live items under `query.prefix`. */
  listNamespaces(
    tenantId: string,
    query: MemoryNamespaceQuery,
    page: PageRequest,
  ): Promise<Page<{ namespace: string[] }>>;
  /** Deletes every tenant's expired items (readers stopped seeing them when they expired); returns how many. */
  sweepExpired(): Promise<number>;
}

/** What a memory store is built over. */
export interface MemoryStoreDependencies {
  readonly db: Kysely<Database>;
  /** Embeds items and queries (`openEmbedder(config)`); without one, semantic search is off. */
  readonly embedder?: Embedder | undefined;
}

/** Builds the memory store over a database and an optional embedder. */
export function createMemoryStore({ db, embedder }: MemoryStoreDependencies): MemoryStore {
  // Whether the embedding column exists cannot change while the process runs (only a migration adds it).
  let vectors: Promise<boolean> | undefined;
  const vectorsAvailable = () => {
    vectors ??= memoryVectorsAvailable(db);
    vectors.catch(() => (vectors = undefined));
    return vectors;
  };

  /** The embedder, when semantic search works here; else why not, as the caller's error. */
  async function semanticEmbedder(): Promise<Embedder> {
    if (!embedder) {
      throw new AppError(
        'semantic_search_unavailable',
        'no embedding model is configured (AR_MEMORY_EMBEDDING_PROVIDER, AR_MEMORY_EMBEDDING_MODEL): ' +
          'items can be stored and listed, but not embedded or searched by meaning',
      );
    }
    if (!(await vectorsAvailable())) {
      throw new AppError(
        'semantic_search_unavailable',
        'the database has no pgvector extension: items can be stored and listed, but not embedded or ' +
          'searched by meaning (docs/memory.md says how to add it)',
      );
    }
    return embedder;
  }

  return {
    async put(tenantId, put, inWrite) {
      const bytes = memoryValueBytes(put.value);
      if (bytes > memoryLimits.valueBytes) {
        throw new AppError('validation_failed', `the value is ${bytes} bytes, over the limit`, {
          errors: [{ path: 'body.value', message: `at most ${memoryLimits.valueBytes} bytes as UTF-8 JSON` }],
        });
      }
      let embedding: { model: string; vector: number[] } | null = null;
      if (put.index) {
        const model = await semanticEmbedder();
        const text = indexedTextOf(put.value, put.index);
        // Fields that are all absent leave nothing to embed: the item is stored, not embedded.
        const [vector] = text === '' ? [] : await model.embed([text]);
        if (vector) embedding = { model: model.model, vector };
      }
      const stored = { ...put, index: put.index ?? null, embedding };
      // Where the column exists a put without an embedding clears the one it replaces.
      const hasVectors = await vectorsAvailable();
      return db.transaction().execute(async (trx) => {
        const result = await putMemoryItem(trx, tenantId, stored, hasVectors);
        await inWrite?.(trx, result.item, result.created);
        return result;
      });
    },

    get: (tenantId, namespace, key) => getMemoryItem(db, tenantId, namespace, key),

    async delete(tenantId, namespace, key, inWrite) {
      await db.transaction().execute(async (trx) => {
        await deleteMemoryItem(trx, tenantId, namespace, key);
        await inWrite?.(trx);
      });
    },

    async search(tenantId, search) {
      const scope = { namespacePrefix: search.namespacePrefix, filter: search.filter };
      if (search.query === undefined) {
        return listMemoryItems(db, tenantId, scope, { limit: search.limit, cursor: search.cursor });
      }
      if (search.cursor !== undefined) {
        // A search by meaning answers one page (`nextCursor` null): no cursor was issued for it.
        throw new AppError('malformed_request', 'a search with `query` answers one page and takes no cursor', {
          cursor: search.cursor,
        });
      }
      const model = await semanticEmbedder();
      const [vector] = await model.embed([search.query]);
      if (!vector) throw new Error('the embedder returned no vector for the query');
      const items = await nearestMemoryItems(db, tenantId, scope, { model: model.model, vector, limit: search.limit });
      return { items, nextCursor: null };
    },

    listNamespaces: (tenantId, query, page) => listMemoryNamespaces(db, tenantId, query, page),

    sweepExpired: () => deleteExpiredMemoryItems(db),
  };
}
