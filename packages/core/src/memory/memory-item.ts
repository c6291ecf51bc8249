import { z } from 'zod';
import { jsonValueSchema } from '../domain/resources.ts';
import { memoryLimits } from './memory-limits.ts';

/**
 * Text a label or a key may hold: anything but control characters. U+001F separates the labels
 * of a namespace in its stored path, so no label may hold it (nor, for simplicity, any other
 * control character).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it rejects
const printable = /^[^\u0000-\u001f\u007f]+$/;

/** One label of a namespace, e.g. `users`, a user's id or `preferences`. */
export const namespaceLabelSchema = z
  .string()
  .min(1)
  .max(memoryLimits.labelLength)
  .regex(printable, 'no control characters');

/** Where an item lives: a path of labels, e.g. `["users", "u-42", "preferences"]`. */
export const memoryNamespaceSchema = z
  .array(namespaceLabelSchema)
  .min(1)
  .max(memoryLimits.namespaceDepth)
  .describe(`A path of 1 to ${memoryLimits.namespaceDepth} labels, e.g. ["users", "u-42", "preferences"]`);

/** A namespace prefix of a listing or search: the empty prefix matches every namespace. */
export const memoryNamespacePrefixSchema = z.array(namespaceLabelSchema).max(memoryLimits.namespaceDepth);

/** An item's key within its namespace. */
export const memoryKeySchema = z.string().min(1).max(memoryLimits.keyLength).regex(printable, 'no control characters');

/**
 * A field of an item's value: top-level (`text`) or nested, dotted (`profile.city`); `$` is
 * the whole value.
 */
export const memoryFieldPathSchema = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex -- control characters are what it rejects
  .regex(/^(\$|[^.\u0000-\u001f]+(\.[^.\u0000-\u001f]+)*)$/, '"$", or field names joined by dots (profile.city)');

/** The value fields whose text is embedded for semantic search. */
export const memoryIndexSchema = z
  .array(memoryFieldPathSchema)
  .min(1)
  .max(memoryLimits.indexFields)
  .describe(
    'Value fields whose text is embedded for semantic search, e.g. ["text"] or ["profile.bio"]; "$" is the ' +
      'whole value. Unset: the item is stored without an embedding and semantic search does not find it',
  );

/** An item's value: a JSON object. */
export const memoryValueSchema = z.record(z.string(), jsonValueSchema);

/** A value's size as stored (UTF-8 JSON), for {@link memoryLimits}.valueBytes. */
export function memoryValueBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** What a put writes: the item, which fields to embed, and how long it lives. */
export const memoryPutSchema = z.strictObject({
  namespace: memoryNamespaceSchema,
  key: memoryKeySchema,
  value: memoryValueSchema.describe(
    `A JSON object of at most ${memoryLimits.valueBytes} bytes (as UTF-8 JSON); replaces the stored value whole`,
  ),
  index: memoryIndexSchema.optional(),
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(memoryLimits.ttlSeconds)
    .optional()
    .describe('Seconds the item lives from this put; unset: until deleted'),
});

/** A put, as validated. */
export type MemoryPut = z.output<typeof memoryPutSchema>;

/** A field named by a filter: field names joined by dots; `$` here is a field of that name. */
export const memoryFilterFieldSchema = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex -- control characters are what it rejects
  .regex(/^[^.\u0000-\u001f]+(\.[^.\u0000-\u001f]+)*$/, 'field names joined by dots (profile.city)');

/**
 * Equality conditions on value fields, all of which an item must meet: `{"kind": "fact",
 * "profile.city": "Lyon"}`.
 */
export const memoryFilterSchema = z
  .record(memoryFilterFieldSchema, jsonValueSchema)
  .refine((filter) => Object.keys(filter).length <= memoryLimits.filterFields, {
    message: `at most ${memoryLimits.filterFields} fields`,
  })
  .meta({ maxProperties: memoryLimits.filterFields });

/** A search: by namespace prefix, value fields and, optionally, meaning. */
export const memorySearchSchema = z.strictObject({
  namespacePrefix: memoryNamespacePrefixSchema
    .default([])
    .describe('Items whose namespace starts with these labels; [] (the default): every namespace'),
  filter: memoryFilterSchema
    .optional()
    .describe('Equality on value fields, top-level or dotted (`profile.city`), all of which must hold'),
  query: z
    .string()
    .min(1)
    .max(memoryLimits.queryLength)
    .optional()
    .describe(
      'Text to search by meaning: items are ranked by the cosine similarity of their embedding to its, ' +
        'best first, with a `score`; only embedded items (put with `index`) are found. Unset: items in ' +
        'namespace and key order, paginated',
    ),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional().describe('`nextCursor` of the previous page (not with `query`)'),
});

/** A search, as validated. */
export type MemorySearch = z.output<typeof memorySearchSchema>;

const timestamp = z.iso.datetime({ offset: true });

/** An item as the API and the memory tools show it. */
export const memoryItemSchema = z
  .object({
    namespace: z.array(z.string()),
    key: z.string(),
    value: memoryValueSchema,
    index: z.array(z.string()).nullable().describe('The fields embedded for semantic search; null: none'),
    createdAt: timestamp,
    updatedAt: timestamp,
    expiresAt: timestamp.nullable().describe('When the item disappears; null: never'),
  })
  .meta({ id: 'MemoryItem' });

/** A stored item. */
export type MemoryItem = z.output<typeof memoryItemSchema>;

/** An item a search found, with its similarity to the query when the search had one. */
export const memorySearchHitSchema = memoryItemSchema
  .extend({
    score: z
      .number()
      .nullable()
      .describe('Cosine similarity of the item to the query (1: same direction); null without `query`'),
  })
  .meta({ id: 'MemorySearchHit' });

/** An item a search found. */
export type MemorySearchHit = z.output<typeof memorySearchHitSchema>;
