import {
  memoryKeySchema,
  memoryNamespacePrefixSchema,
  memoryNamespaceSchema,
  memoryValueSchema,
  NotFoundError,
  recordAuditEvent,
  type MemoryItem,
  type MemorySearchHit,
  type MemoryStore,
} from '@agent-runtime/core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditedBy } from '../../http/audit.ts';
import type { LangGraphScope } from './register-langgraph-routes.ts';

/** A memory item as LangGraph's store shows one. */
function storeItemOf(item: MemoryItem | MemorySearchHit) {
  return {
    namespace: item.namespace,
    key: item.key,
    value: item.value,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
    ...('score' in item && item.score !== null ? { score: item.score } : {}),
  };
}

/** `namespace` as LangGraph's SDK sends it in a query: the labels joined by dots. */
const dottedNamespace = z
  .string()
  .max(2000)
  .transform((text) => (text === '' ? [] : text.split('.')))
  .pipe(memoryNamespaceSchema);

function itemTarget(namespace: readonly string[], key: string) {
  return { type: 'memory_item', id: JSON.stringify([namespace, key]) };
}

/** The store is the tenant's memory store (docs/memory.md): same items as `/v1/store`. */
export function registerLangGraphStoreRoutes(scope: LangGraphScope, store: MemoryStore): void {
  const read = { access: 'read' as const, apiKeyHeader: true };
  const write = { access: 'write' as const, apiKeyHeader: true };

  scope.put(
    '/store/items',
    {
      config: write,
      schema: {
        hide: true,
        body: z.looseObject({
          namespace: memoryNamespaceSchema,
          key: memoryKeySchema,
          value: memoryValueSchema,
          index: z.union([z.literal(false), z.array(z.string().min(1).max(200)).min(1).max(16)]).nullish(),
          ttl: z.number().positive().max(525_600).nullish().describe('Minutes, as LangGraph counts them'),
        }),
      },
    },
    async (request, reply) => {
      const { namespace, key, value, index, ttl } = request.body;
      await store.put(
        request.principal.tenantId,
        {
          namespace,
          key,
          value,
          ...(Array.isArray(index) ? { index } : {}),
          ...(typeof ttl === 'number' ? { ttlSeconds: Math.max(1, Math.round(ttl * 60)) } : {}),
        },
        (trx, stored, created) =>
          recordAuditEvent(trx, {
            ...auditedBy(request),
            action: 'memory_item.written',
            target: itemTarget(stored.namespace, stored.key),
            details: { created, indexed: stored.index !== null, expiresAt: stored.expiresAt },
          }).then(() => undefined),
      );
      return reply.status(204).send();
    },
  );

  scope.get(
    '/store/items',
    {
      config: read,
      schema: { hide: true, querystring: z.looseObject({ namespace: dottedNamespace, key: memoryKeySchema }) },
    },
    async (request, reply) => {
      const item = await store
        .get(request.principal.tenantId, request.query.namespace, request.query.key)
        .catch((error: unknown) => {
          if (error instanceof NotFoundError) return null;
          throw error;
        });
      // LangGraph's server answers a missing item with null, which its SDK returns.
      return reply.type('application/json').send(JSON.stringify(item === null ? null : storeItemOf(item)));
    },
  );

  scope.delete(
    '/store/items',
    {
      config: write,
      schema: { hide: true, body: z.looseObject({ namespace: memoryNamespaceSchema, key: memoryKeySchema }) },
    },
    async (request: FastifyRequest<{ Body: { namespace: string[]; key: string } }>, reply) => {
      const { namespace, key } = request.body;
      // As LangGraph's store: deleting an item that is not there is done already.
      await store
        .delete(request.principal.tenantId, namespace, key, (trx) =>
          recordAuditEvent(trx, {
            ...auditedBy(request),
            action: 'memory_item.deleted',
            target: itemTarget(namespace, key),
          }).then(() => undefined),
        )
        .catch((error: unknown) => {
          if (!(error instanceof NotFoundError)) throw error;
        });
      return reply.status(204).send();
    },
  );

  scope.post(
    '/store/items/search',
    {
      config: read,
      schema: {
        hide: true,
        body: z.looseObject({
          namespace_prefix: memoryNamespacePrefixSchema.default([]),
          filter: z.record(z.string(), z.unknown()).nullish(),
          limit: z.number().int().min(1).max(100).default(10),
          offset: z.number().int().min(0).max(10_000).default(0),
          query: z.string().min(1).max(2000).nullish(),
        }),
      },
    },
    async (request) => {
      const { namespace_prefix: namespacePrefix, filter, limit, offset, query } = request.body;
      const found: MemorySearchHit[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.search(request.principal.tenantId, {
          namespacePrefix,
          ...(filter ? { filter: filter as Record<string, never> } : {}),
          ...(query ? { query } : {}),
          limit: query ? Math.min(100, offset + limit) : 100,
          ...(cursor ? { cursor } : {}),
        });
        found.push(...page.items);
        cursor = query ? undefined : (page.nextCursor ?? undefined);
      } while (cursor && found.length < offset + limit);
      return { items: found.slice(offset, offset + limit).map(storeItemOf) };
    },
  );

  scope.post(
    '/store/namespaces',
    {
      config: read,
      schema: {
        hide: true,
        body: z.looseObject({
          prefix: memoryNamespacePrefixSchema.nullish(),
          max_depth: z.number().int().min(1).max(16).nullish(),
          limit: z.number().int().min(1).max(100).default(100),
          offset: z.number().int().min(0).max(10_000).default(0),
        }),
      },
    },
    async (request) => {
      const { prefix, max_depth: maxDepth, limit, offset } = request.body;
      const found: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listNamespaces(
          request.principal.tenantId,
          { prefix: prefix ?? [], ...(maxDepth ? { maxDepth } : {}) },
          { limit: 100, cursor },
        );
        found.push(...page.items.map((item) => item.namespace));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && found.length < offset + limit);
      return { namespaces: found.slice(offset, offset + limit) };
    },
  );
}
