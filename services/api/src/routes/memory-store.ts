import {
  memoryItemSchema,
  memoryKeySchema,
  memoryLimits,
  memoryNamespacePrefixSchema,
  memoryNamespaceSchema,
  memoryPutSchema,
  memorySearchHitSchema,
  memorySearchSchema,
  pageSchema,
  recordAuditEvent,
  type MemoryStore,
} from '@agent-runtime/core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { integerText, pageQuery, problemResponses } from '../http/schemas.ts';

/** An item's address in a query string: `?namespace=users&namespace=u-42&key=theme`. */
const itemQuery = z.strictObject({
  namespace: memoryNamespaceSchema.describe('The namespace, one label per `namespace` parameter, in order'),
  key: memoryKeySchema,
});

/**
 * Query parameters that are lists: one value arrives as a string, several as an array.
 * Made arrays before validation, so the document can say "array of labels" as it is sent.
 */
function listQueryParameters(...names: string[]) {
  return async (request: FastifyRequest) => {
    const query = request.query as Record<string, unknown>;
    for (const name of names) {
      if (typeof query[name] === 'string') query[name] = [query[name]];
    }
  };
}

/** The audit target of an item: its namespace and key, as JSON. */
function itemTarget(namespace: readonly string[], key: string) {
  return { type: 'memory_item', id: JSON.stringify([namespace, key]) };
}

/**
 * The long-term memory store (`/v1/store`, docs/memory.md): namespaced JSON items of the
 * caller's tenant, listed by namespace prefix, filtered on value fields and, when an
 * embedding model is configured, searched by meaning.
 */
export function registerMemoryStoreRoutes(app: ApiInstance, store: MemoryStore): void {
  const tags = ['memory'];

  app.put(
    '/v1/store/items',
    {
      config: { access: 'write' },
      schema: {
        tags,
        description:
          'Creates (201) or replaces (200) the item at `namespace` and `key`. With `index`, the text of those value ' +
          'fields is embedded for semantic search (409 `semantic_search_unavailable` where no embedding model is ' +
          'configured or the database has no pgvector). With `ttlSeconds`, the item disappears that long after ' +
          `this put. Limits: ${memoryLimits.namespaceDepth} labels of ${memoryLimits.labelLength} characters, ` +
          `keys of ${memoryLimits.keyLength}, values of ${memoryLimits.valueBytes} bytes (422 \`validation_failed\`).`,
        body: memoryPutSchema,
        response: {
          200: memoryItemSchema,
          201: memoryItemSchema,
          ...problemResponses(400, 401, 403, 409, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const { item, created } = await store.put(request.principal.tenantId, request.body, (trx, stored, isNew) =>
        recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'memory_item.written',
          target: itemTarget(stored.namespace, stored.key),
          details: { created: isNew, indexed: stored.index !== null, expiresAt: stored.expiresAt },
        }).then(() => undefined),
      );
      return reply.status(created ? 201 : 200).send(item);
    },
  );

  app.get(
    '/v1/store/items',
    {
      config: { access: 'read' },
      preValidation: listQueryParameters('namespace'),
      schema: {
        tags,
        description: 'The item at `namespace` and `key`; 404 when there is none or it has expired.',
        querystring: itemQuery,
        response: { 200: memoryItemSchema, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) => store.get(request.principal.tenantId, request.query.namespace, request.query.key),
  );

  app.delete(
    '/v1/store/items',
    {
      config: { access: 'write' },
      preValidation: listQueryParameters('namespace'),
      schema: {
        tags,
        description: 'Deletes the item at `namespace` and `key`, with its embedding.',
        querystring: itemQuery,
        response: { 204: z.null().describe('Deleted'), ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { namespace, key } = request.query;
      await store.delete(request.principal.tenantId, namespace, key, (trx) =>
        recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'memory_item.deleted',
          target: itemTarget(namespace, key),
        }).then(() => undefined),
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/store/items/search',
    {
      // A read: the body only carries the search, which a query string could not hold well.
      config: { access: 'read' },
      schema: {
        tags,
        description:
          'Items whose namespace starts with `namespacePrefix` and whose value fields equal `filter`. Without ' +
          '`query`: in namespace and key order (code points), paginated by `cursor`. With `query`: the `limit` ' +
          'embedded items nearest to it by cosine similarity, best first, each with its `score`, in one page ' +
          '(409 `semantic_search_unavailable` where semantic search is off).',
        body: memorySearchSchema,
        response: {
          200: pageSchema(memorySearchHitSchema),
          ...problemResponses(400, 401, 403, 409, 413, 415, 422, 503),
        },
      },
    },
    async (request) => store.search(request.principal.tenantId, request.body),
  );

  app.get(
    '/v1/store/namespaces',
    {
      config: { access: 'read' },
      preValidation: listQueryParameters('prefix'),
      schema: {
        tags,
        description:
          'The namespaces that hold items, under `prefix` (one label per `prefix` parameter), in code point ' +
          'order; with `maxDepth`, deeper ones are cut to their first `maxDepth` labels (and listed once).',
        querystring: z.strictObject({
          ...pageQuery,
          prefix: memoryNamespacePrefixSchema.optional(),
          maxDepth: integerText(1, memoryLimits.namespaceDepth).optional(),
        }),
        response: {
          200: pageSchema(z.object({ namespace: z.array(z.string()) }).meta({ id: 'MemoryNamespace' })),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request) => {
      const { cursor, limit, prefix, maxDepth } = request.query;
      return store.listNamespaces(request.principal.tenantId, { prefix: prefix ?? [], maxDepth }, { cursor, limit });
    },
  );
}
