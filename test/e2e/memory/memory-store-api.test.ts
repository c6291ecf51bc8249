import { createApiKey, createTenant } from '@agent-runtime/core';
import { createApiRequest, startTestRuntime, waitUntil, type TestRuntime } from '@agent-runtime/test-harness';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `/v1/store` on the test PostgreSQL (Debian's, without pgvector): items, validation limits,
 * pagination, filters, namespaces, time to live and its sweep, tenant isolation, audit, and
 * the clear refusal of semantic search where it cannot work.
 */

interface Item {
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
  index: string[] | null;
  expiresAt: string | null;
}

interface Problem {
  code: string;
  errors?: { path: string; message: string }[];
}

const itemPath = (namespace: string[], key: string) =>
  `/v1/store/items?${new URLSearchParams([...namespace.map((label): [string, string] => ['namespace', label]), ['key', key]])}`;

describe('the memory store API', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ worker: false, env: { AR_MEMORY_SWEEP_INTERVAL_SECONDS: '1' } });
  });
  afterAll(() => runtime?.stop());

  const put = (body: Record<string, unknown>) => runtime.request('PUT', '/v1/store/items', body);

  it('creates (201), reads, replaces (200) and deletes (204) an item, and audits the changes', async () => {
    const namespace = ['users', 'ada@example.com', 'preferences'];
    const created = await put({ namespace, key: 'theme', value: { mode: 'dark' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ namespace, key: 'theme', value: { mode: 'dark' }, index: null });
    expect((await put({ namespace, key: 'theme', value: { mode: 'light' } })).status).toBe(200);
    const read = await runtime.request('GET', itemPath(namespace, 'theme'));
    expect(await read.json()).toMatchObject({ value: { mode: 'light' }, expiresAt: null });
    expect((await runtime.request('DELETE', itemPath(namespace, 'theme'))).status).toBe(204);
    expect((await runtime.request('GET', itemPath(namespace, 'theme'))).status).toBe(404);
    expect((await runtime.request('DELETE', itemPath(namespace, 'theme'))).status).toBe(404);

    const audit = await runtime.request('GET', '/v1/audit?targetType=memory_item');
    const actions = ((await audit.json()) as { items: { action: string; details: unknown }[] }).items;
    expect(actions.map((event) => event.action)).toEqual([
      'memory_item.deleted',
      'memory_item.written',
      'memory_item.written',
    ]);
    expect(actions[2]?.details).toMatchObject({ created: true, indexed: false });
  });

  it('refuses what breaks the limits with 422 validation_failed, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ namespace: Array.from({ length: 11 }, () => 'a'), key: 'k', value: {} }, 'body.namespace'],
      [{ namespace: [], key: 'k', value: {} }, 'body.namespace'],
      [{ namespace: ['x'.repeat(201)], key: 'k', value: {} }, 'body.namespace.0'],
      [{ namespace: ['tab\there'], key: 'k', value: {} }, 'body.namespace.0'],
      [{ namespace: ['a'], key: 'k'.repeat(501), value: {} }, 'body.key'],
      [{ namespace: ['a'], key: 'k', value: 'not an object' }, 'body.value'],
      [{ namespace: ['a'], key: 'k', value: { text: 'x'.repeat(70_000) } }, 'body.value'],
      [{ namespace: ['a'], key: 'k', value: {}, index: ['a..b'] }, 'body.index.0'],
      [{ namespace: ['a'], key: 'k', value: {}, ttlSeconds: 0 }, 'body.ttlSeconds'],
    ];
    for (const [body, path] of cases) {
      const response = await put(body);
      const problem = (await response.json()) as Problem;
      expect({ status: response.status, code: problem.code }, JSON.stringify(body).slice(0, 80)).toEqual({
        status: 422,
        code: 'validation_failed',
      });
      expect(problem.errors?.map((error) => error.path)).toContain(path);
    }
    const noKey = await runtime.request('GET', '/v1/store/items?namespace=a');
    expect(noKey.status).toBe(422);
  });

  it('lists items under a prefix in namespace and key order, a page at a time, filtered on value fields', async () => {
    const keys = ['e', 'a', 'd', 'b', 'c'];
    for (const [index, key] of keys.entries()) {
      const value = { kind: index % 2 === 0 ? 'fact' : 'todo', profile: { city: key < 'c' ? 'Lyon' : 'Oslo' } };
      expect((await put({ namespace: ['listing', 'one'], key, value })).status).toBe(201);
    }
    expect((await put({ namespace: ['listing', 'two'], key: 'a', value: { kind: 'fact' } })).status).toBe(201);
    expect((await put({ namespace: ['listing-other'], key: 'a', value: { kind: 'fact' } })).status).toBe(201);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await runtime.request('POST', '/v1/store/items/search', {
        namespacePrefix: ['listing'],
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      const page = (await response.json()) as { items: (Item & { score: null })[]; nextCursor: string | null };
      seen.push(...page.items.map((item) => `${item.namespace.join('/')}:${item.key}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([
      'listing/one:a',
      'listing/one:b',
      'listing/one:c',
      'listing/one:d',
      'listing/one:e',
      'listing/two:a',
    ]);

    const filtered = async (filter: Record<string, unknown>) =>
      (
        (await (
          await runtime.request('POST', '/v1/store/items/search', { namespacePrefix: ['listing', 'one'], filter })
        ).json()) as { items: Item[] }
      ).items.map((item) => item.key);
    expect(await filtered({ kind: 'fact', 'profile.city': 'Oslo' })).toEqual(['c', 'd', 'e']);
    expect(await filtered({ kind: 'todo', 'profile.city': 'Lyon' })).toEqual(['a', 'b']);
    expect(await filtered({ kind: 'fact', 'profile.city': 'Lyon' })).toEqual([]);
    expect(await filtered({ profile: { city: 'Lyon' } })).toEqual(['a', 'b']);

    const badCursor = await runtime.request('POST', '/v1/store/items/search', { cursor: 'not-a-cursor' });
    expect([badCursor.status, ((await badCursor.json()) as Problem).code]).toEqual([400, 'malformed_request']);
  });

  it('lists namespaces, cut to a depth', async () => {
    const names = async (query: string) =>
      (
        (await (await runtime.request('GET', `/v1/store/namespaces?${query}`)).json()) as {
          items: { namespace: string[] }[];
        }
      ).items.map((item) => item.namespace.join('/'));
    expect(await names('prefix=listing')).toEqual(['listing/one', 'listing/two']);
    expect(await names('prefix=listing&maxDepth=1')).toEqual(['listing']);
    const paged = await runtime.request('GET', '/v1/store/namespaces?prefix=listing&limit=1');
    const first = (await paged.json()) as { items: { namespace: string[] }[]; nextCursor: string };
    const second = await runtime.request(
      'GET',
      `/v1/store/namespaces?prefix=listing&limit=1&cursor=${first.nextCursor}`,
    );
    expect(((await second.json()) as { items: { namespace: string[] }[] }).items).toEqual([
      { namespace: ['listing', 'two'] },
    ]);
  });

  it('hides an item once its time to live has passed, and the sweep deletes its row', async () => {
    const namespace = ['ttl'];
    const created = await put({ namespace, key: 'short', value: { text: 'soon gone' }, ttlSeconds: 1 });
    expect(((await created.json()) as Item).expiresAt).not.toBeNull();
    expect((await runtime.request('GET', itemPath(namespace, 'short'))).status).toBe(200);
    await waitUntil(
      'the item to expire',
      async () => (await runtime.request('GET', itemPath(namespace, 'short'))).status === 404,
      5_000,
    );
    const listed = await runtime.request('POST', '/v1/store/items/search', { namespacePrefix: namespace });
    expect(((await listed.json()) as { items: Item[] }).items).toEqual([]);
    const rows = async () =>
      (
        await sql<{
          count: string;
        }>`select count(*) as count from memory_items where namespace_path like 'ttl%'`.execute(runtime.database.db)
      ).rows[0]?.count;
    // AR_MEMORY_SWEEP_INTERVAL_SECONDS=1: the API's sweep frees the row.
    await waitUntil('the sweep to delete the row', async () => Number(await rows()) === 0, 10_000);
    // A put at the key of an expired item creates it anew.
    expect((await put({ namespace, key: 'short', value: { text: 'back' } })).status).toBe(201);
  });

  it("keeps tenants apart: another tenant's items are not found, listed or searched", async () => {
    const { db } = runtime.database;
    const other = await createTenant(db, 'memory-other');
    const otherKey = await createApiKey(db, { tenantId: other.id, name: 'other', roles: ['developer'] });
    const asOther = createApiRequest(runtime.url, otherKey.key);
    const namespace = ['users', 'shared-looking-id'];
    expect((await put({ namespace, key: 'secret', value: { text: 'mine' } })).status).toBe(201);
    expect((await asOther('GET', itemPath(namespace, 'secret'))).status).toBe(404);
    expect((await asOther('DELETE', itemPath(namespace, 'secret'))).status).toBe(404);
    const search = await asOther('POST', '/v1/store/items/search', { namespacePrefix: [] });
    expect(((await search.json()) as { items: Item[] }).items).toEqual([]);
    const namespaces = await asOther('GET', '/v1/store/namespaces');
    expect(((await namespaces.json()) as { items: unknown[] }).items).toEqual([]);
    // The same address in the other tenant is an item of its own.
    expect(
      (await asOther('PUT', '/v1/store/items', { namespace, key: 'secret', value: { text: 'theirs' } })).status,
    ).toBe(201);
    expect(await (await runtime.request('GET', itemPath(namespace, 'secret'))).json()).toMatchObject({
      value: { text: 'mine' },
    });
  });

  it('answers 409 semantic_search_unavailable where no embedding model is configured (and this PostgreSQL has no pgvector)', async () => {
    const indexed = await put({ namespace: ['semantic'], key: 'k', value: { text: 'tea' }, index: ['text'] });
    const searched = await runtime.request('POST', '/v1/store/items/search', { query: 'tea' });
    for (const response of [indexed, searched]) {
      expect([response.status, ((await response.json()) as Problem).code]).toEqual([
        409,
        'semantic_search_unavailable',
      ]);
    }
    expect((await runtime.request('GET', itemPath(['semantic'], 'k'))).status).toBe(404);
  });
});
