import { sql, type Kysely, type RawBuilder } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { MemoryItem, MemorySearchHit } from '../../memory/memory-item.ts';
import { decodeTextPartsCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { Database } from '../schema.ts';

/** Follows every label of a stored namespace path; no label may hold it. */
const labelEnd = '\u001f';

/** A namespace as stored: each label followed by U+001F (see migration 0014). */
export function namespacePathOf(namespace: readonly string[]): string {
  return namespace.map((label) => `${label}${labelEnd}`).join('');
}

function namespaceOf(path: string): string[] {
  return path.split(labelEnd).slice(0, -1);
}

/** The rows whose namespace starts with `prefix`: one range of the primary key's index. */
function underPrefix(prefix: readonly string[]): RawBuilder<unknown> {
  if (prefix.length === 0) return sql`true`;
  const from = namespacePathOf(prefix);
  // U+0020 is the character after U+001F: the range holds exactly the paths starting with `from`.
  const to = `${from.slice(0, -1)} `;
  return sql`namespace_path >= ${from} and namespace_path < ${to}`;
}

/** Rows whose time to live has not passed: expired rows are gone for readers at once. */
const visible = sql`(expires_at is null or expires_at > now())`;

/** Equality on value fields: `{"profile.city": "Lyon"}` is `value -> 'profile' -> 'city' = '"Lyon"'`. */
function matchesFilter(filter: Readonly<Record<string, unknown>> | undefined): RawBuilder<unknown> {
  const conditions = Object.entries(filter ?? {}).map(([field, expected]) => {
    const path = field
      .split('.')
      .reduce<RawBuilder<unknown>>((value, name) => sql`${value} -> ${name}::text`, sql`value`);
    return sql`(${path}) = ${JSON.stringify(expected)}::jsonb`;
  });
  return conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `);
}

/** A text[] value from a list (through JSON: both drivers pass it the same way), or null. */
function textArray(values: readonly string[] | null): RawBuilder<unknown> {
  if (values === null) return sql`null::text[]`;
  return sql`array(select element from jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)
    with ordinality as elements (element, position) order by position)`;
}

/** A vector as pgvector reads it in text: `[0.1,0.2,…]`. */
function vectorText(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}

interface ItemRow {
  namespace_path: string;
  key: string;
  value: Record<string, unknown>;
  index_fields: string[] | null;
  created_at: Date | string;
  updated_at: Date | string;
  expires_at: Date | string | null;
}

const itemColumns = sql`namespace_path, key, value, index_fields, created_at, updated_at, expires_at`;

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function toItem(row: ItemRow): MemoryItem {
  return {
    namespace: namespaceOf(row.namespace_path),
    key: row.key,
    value: row.value as MemoryItem['value'],
    index: row.index_fields,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    expiresAt: row.expires_at === null ? null : iso(row.expires_at),
  };
}

/** Whether the database holds embeddings: migration 0014 adds the column only where pgvector is. */
export async function memoryVectorsAvailable(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`
    select exists (
      select 1 from information_schema.columns
      where table_schema = current_schema() and table_name = 'memory_items' and column_name = 'embedding'
    ) as present`.execute(db);
  return rows[0]?.present === true;
}

/** One put as stored: the item, and its embedding when it has one. */
export interface StoredMemoryPut {
  readonly namespace: readonly string[];
  readonly key: string;
  readonly value: Readonly<Record<string, unknown>>;
  /** The embedded fields; null: none. */
  readonly index: readonly string[] | null;
  /** Seconds from now (the database's clock); undefined: never expires. */
  readonly ttlSeconds?: number | undefined;
  /** Null: no embedding (and any earlier one is dropped). */
  readonly embedding: { readonly model: string; readonly vector: readonly number[] } | null;
}

/**
 * Creates or replaces an item. An item whose time to live has passed but that the sweep has
 * not deleted yet counts as absent: the put creates it anew. Two statements: pass a transaction.
 * @param vectors whether the `embedding` column exists ({@link memoryVectorsAvailable}); it
 *   must when the put has an embedding.
 */
export async function putMemoryItem(
  db: Kysely<Database>,
  tenantId: string,
  put: StoredMemoryPut,
  vectors: boolean,
): Promise<{ item: MemoryItem; created: boolean }> {
  const path = namespacePathOf(put.namespace);
  if (put.embedding && !vectors) throw new Error('an embedding cannot be stored: the embedding column is missing');
  const embeddingColumn = vectors ? sql`, embedding` : sql``;
  const embeddingValue = vectors ? sql`, ${put.embedding ? vectorText(put.embedding.vector) : null}::vector` : sql``;
  const embeddingUpdate = vectors ? sql`, embedding = excluded.embedding` : sql``;
  await sql`delete from memory_items
    where tenant_id = ${tenantId} and namespace_path = ${path} and key = ${put.key} and expires_at <= now()`.execute(
    db,
  );
  const { rows } = await sql<ItemRow & { created: boolean }>`
    insert into memory_items
      (tenant_id, namespace_path, key, value, index_fields, embedding_model, expires_at${embeddingColumn})
    values (
      ${tenantId}, ${path}, ${put.key}, ${JSON.stringify(put.value)}::jsonb, ${textArray(put.index)},
      ${put.embedding?.model ?? null}, now() + make_interval(secs => ${put.ttlSeconds ?? null}::float8)
      ${embeddingValue}
    )
    on conflict (tenant_id, namespace_path, key) do update set
      value = excluded.value, index_fields = excluded.index_fields, embedding_model = excluded.embedding_model,
      expires_at = excluded.expires_at, updated_at = now()${embeddingUpdate}
    returning ${itemColumns}, (xmax = 0) as created`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('the memory item upsert returned no row');
  return { item: toItem(row), created: row.created };
}

/** The tenant's item at `namespace` and `key`, or a not-found error (expired items too). */
export async function getMemoryItem(
  db: Kysely<Database>,
  tenantId: string,
  namespace: readonly string[],
  key: string,
): Promise<MemoryItem> {
  const { rows } = await sql<ItemRow>`
    select ${itemColumns} from memory_items
    where tenant_id = ${tenantId} and namespace_path = ${namespacePathOf(namespace)} and key = ${key} and ${visible}`.execute(
    db,
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('memory item', `${JSON.stringify(namespace)} ${JSON.stringify(key)}`);
  return toItem(row);
}

/** Deletes the tenant's item, or answers not found (an expired one is already gone for readers). */
export async function deleteMemoryItem(
  db: Kysely<Database>,
  tenantId: string,
  namespace: readonly string[],
  key: string,
): Promise<void> {
  const result = await sql`
    delete from memory_items
    where tenant_id = ${tenantId} and namespace_path = ${namespacePathOf(namespace)} and key = ${key} and ${visible}`.execute(
    db,
  );
  if (result.numAffectedRows === 0n) {
    throw new NotFoundError('memory item', `${JSON.stringify(namespace)} ${JSON.stringify(key)}`);
  }
}

/** Which items a listing or search considers: a namespace prefix and equality on value fields. */
export interface MemoryItemScope {
  readonly namespacePrefix: readonly string[];
  readonly filter?: Readonly<Record<string, unknown>> | undefined;
}

/** The tenant's items in scope, in namespace then key order (code point order), a page at a time. */
export async function listMemoryItems(
  db: Kysely<Database>,
  tenantId: string,
  scope: MemoryItemScope,
  page: PageRequest,
): Promise<Page<MemorySearchHit>> {
  const after = page.cursor ? decodeTextPartsCursor(page.cursor, 2) : undefined;
  const { rows } = await sql<ItemRow>`
    select ${itemColumns} from memory_items
    where tenant_id = ${tenantId} and ${underPrefix(scope.namespacePrefix)} and ${visible}
      and ${matchesFilter(scope.filter)}
      and ${after ? sql`(namespace_path, key) > (${after[0]}, ${after[1]})` : sql`true`}
    order by namespace_path, key
    limit ${page.limit + 1}`.execute(db);
  return toPage(
    rows,
    page.limit,
    (row) => ({ ...toItem(row), score: null }),
    (row) => JSON.stringify([row.namespace_path, row.key]),
  );
}

/**
 * The tenant's embedded items in scope nearest to `vector` by cosine similarity, best first,
 * exact (every row in scope is compared). Only rows embedded by `model` are compared: vectors
 * of other models live in other spaces.
 */
export async function nearestMemoryItems(
  db: Kysely<Database>,
  tenantId: string,
  scope: MemoryItemScope,
  query: { readonly model: string; readonly vector: readonly number[]; readonly limit: number },
): Promise<MemorySearchHit[]> {
  const { rows } = await sql<ItemRow & { score: number }>`
    select * from (
      select ${itemColumns}, 1 - (embedding <=> ${vectorText(query.vector)}::vector) as score
      from memory_items
      where tenant_id = ${tenantId} and ${underPrefix(scope.namespacePrefix)} and ${visible}
        and ${matchesFilter(scope.filter)} and embedding_model = ${query.model} and embedding is not null
    ) as hits
    -- A zero vector has no direction: its cosine distance is NaN, and it is nobody's neighbour.
    where score <> 'NaN'::float8
    order by score desc, namespace_path, key
    limit ${query.limit}`.execute(db);
  return rows.map((row) => ({ ...toItem(row), score: Number(row.score) }));
}

/** What a namespace listing asks for. */
export interface MemoryNamespaceQuery {
  readonly prefix: readonly string[];
  /** Namespaces deeper than this are listed cut to their first `maxDepth` labels. */
  readonly maxDepth?: number | undefined;
}

/** The tenant's namespaces that hold live items, in code point order, a page at a time. */
export async function listMemoryNamespaces(
  db: Kysely<Database>,
  tenantId: string,
  query: MemoryNamespaceQuery,
  page: PageRequest,
): Promise<Page<{ namespace: string[] }>> {
  const after = page.cursor ? decodeTextPartsCursor(page.cursor, 1)[0] : undefined;
  // The first `maxDepth` labels of a path, each with the U+001F after it.
  const cut =
    query.maxDepth === undefined
      ? sql`namespace_path`
      : sql`substring(namespace_path from ${`^(?:[^${labelEnd}]*${labelEnd}){1,${query.maxDepth}}`})`;
  const { rows } = await sql<{ path: string }>`
    select path from (
      select distinct ${cut} collate "C" as path from memory_items
      where tenant_id = ${tenantId} and ${underPrefix(query.prefix)} and ${visible}
    ) as namespaces
    where ${after === undefined ? sql`true` : sql`path > ${after}`}
    order by path
    limit ${page.limit + 1}`.execute(db);
  return toPage(
    rows,
    page.limit,
    (row) => ({ namespace: namespaceOf(row.path) }),
    (row) => JSON.stringify([row.path]),
  );
}

/** Rows one sweep statement deletes at most, so that it never holds many locks for long. */
const sweepBatch = 1000;

/** Deletes every tenant's expired items; returns how many. */
export async function deleteExpiredMemoryItems(db: Kysely<Database>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await sql`
      delete from memory_items where ctid in (
        select ctid from memory_items where expires_at <= now() limit ${sweepBatch}
      )`.execute(db);
    const count = Number(result.numAffectedRows ?? 0n);
    deleted += count;
    if (count < sweepBatch) return deleted;
  }
}
