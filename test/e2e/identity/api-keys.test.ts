import { createApiKey, createTenant } from '@agent-runtime/core';
import { createApiRequest, startTestRuntime, type ApiRequest, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ApiKeyView {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  roles: string[];
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  key?: string;
}

describe('API keys over HTTP', () => {
  let runtime: TestRuntime;
  let asTenantAdmin: ApiRequest;
  let tenantAdminKeyId: string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ worker: false });
    const tenantAdmin = await createApiKey(runtime.database.db, {
      tenantId: runtime.tenantId,
      name: 'tenant admin',
      roles: ['tenant-admin'],
    });
    tenantAdminKeyId = tenantAdmin.id;
    asTenantAdmin = createApiRequest(runtime.url, tenantAdmin.key);
  });
  afterAll(() => runtime.stop());

  async function json<T>(response: Response, status: number): Promise<T> {
    const body = (await response.json()) as T;
    expect({ status: response.status, body }).toMatchObject({ status });
    return body;
  }

  it('creates a key, shows it once, and never lists the key or its hash', async () => {
    const created = await json<ApiKeyView>(
      await asTenantAdmin('POST', '/v1/api-keys', { name: 'ci pipeline', roles: ['developer'] }),
      201,
    );
    expect(created).toMatchObject({
      tenantId: runtime.tenantId,
      name: 'ci pipeline',
      roles: ['developer'],
      createdBy: `api-key:${tenantAdminKeyId}`,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(created.key).toMatch(new RegExp(`^ar_${created.prefix}_[A-Za-z0-9]{40}$`));
    const secret = created.key?.slice(12) ?? '';

    const asNewKey = createApiRequest(runtime.url, created.key ?? '');
    expect((await asNewKey('GET', '/v1/agents')).status).toBe(200);
    expect((await asNewKey('GET', '/v1/api-keys')).status).toBe(403);

    const listText = await (await asTenantAdmin('GET', '/v1/api-keys?limit=100')).text();
    const oneText = await (await asTenantAdmin('GET', `/v1/api-keys/${created.id}`)).text();
    for (const text of [listText, oneText]) {
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/"key"|hash/i);
    }
    const shown = JSON.parse(oneText) as ApiKeyView;
    expect(shown.lastUsedAt).not.toBeNull();
    expect(shown).toEqual({ ...created, key: undefined, lastUsedAt: shown.lastUsedAt, createdAt: expect.any(String) });
  });

  it('lets only a platform admin grant platform-admin', async () => {
    const refused = await asTenantAdmin('POST', '/v1/api-keys', { name: 'escalate', roles: ['platform-admin'] });
    expect(await json(refused, 403)).toMatchObject({ code: 'forbidden' });
    const granted = await runtime.request('POST', '/v1/api-keys', { name: 'platform', roles: ['platform-admin'] });
    expect(await json(granted, 201)).toMatchObject({ roles: ['platform-admin'] });
  });

  it('answers bad requests with 422 problems and creates nothing', async () => {
    const before = await (await asTenantAdmin('GET', '/v1/api-keys?limit=100')).json();
    const cases: unknown[] = [
      {},
      { name: 'x' },
      { name: 'x', roles: [] },
      { name: 'x', roles: ['root'] },
      { name: '', roles: ['viewer'] },
      { name: 'x', roles: ['viewer'], expiresAt: 'tomorrow' },
      { name: 'x', roles: ['viewer'], expiresAt: '2001-01-01T00:00:00Z' },
      { name: 'x', roles: ['viewer'], owner: 'me' },
    ];
    for (const body of cases) {
      const response = await asTenantAdmin('POST', '/v1/api-keys', body);
      expect.soft({ body, status: response.status }).toEqual({ body, status: 422 });
    }
    const badCursor = await asTenantAdmin('GET', '/v1/api-keys?cursor=nope');
    expect(await json(badCursor, 400)).toMatchObject({ code: 'malformed_request' });
    expect(await (await asTenantAdmin('GET', '/v1/api-keys?limit=100')).json()).toEqual(before);
  });

  it('honours expiresAt', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await json<ApiKeyView>(
      await asTenantAdmin('POST', '/v1/api-keys', { name: 'short', roles: ['viewer'], expiresAt }),
      201,
    );
    expect(created.expiresAt).toBe(expiresAt);
    const asShort = createApiRequest(runtime.url, created.key ?? '');
    expect((await asShort('GET', '/v1/agents')).status).toBe(200);
    // Let the hour pass.
    await runtime.database.db
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', created.id)
      .execute();
    expect(await json(await asShort('GET', '/v1/agents'), 401)).toMatchObject({ code: 'unauthenticated' });
  });

  it('revokes a key: 401 from the next request, the same answer when repeated, 404 across tenants', async () => {
    const created = await json<ApiKeyView>(
      await asTenantAdmin('POST', '/v1/api-keys', { name: 'to revoke', roles: ['developer'] }),
      201,
    );
    const asRevoked = createApiRequest(runtime.url, created.key ?? '');
    expect((await asRevoked('GET', '/v1/runs')).status).toBe(200);
    const revoked = await json<ApiKeyView>(await asTenantAdmin('DELETE', `/v1/api-keys/${created.id}`), 200);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await json(await asRevoked('GET', '/v1/runs'), 401)).toMatchObject({ code: 'unauthenticated' });
    expect(await json(await asTenantAdmin('DELETE', `/v1/api-keys/${created.id}`), 200)).toEqual(revoked);

    const other = await createTenant(runtime.database.db, 'keys-other');
    const otherAdmin = await createApiKey(runtime.database.db, {
      tenantId: other.id,
      name: 'other admin',
      roles: ['tenant-admin'],
    });
    const asOther = createApiRequest(runtime.url, otherAdmin.key);
    for (const method of ['GET', 'DELETE']) {
      expect(await json(await asOther(method, `/v1/api-keys/${created.id}`), 404)).toMatchObject({
        code: 'not_found',
      });
    }
    expect(await json(await asOther('GET', '/v1/api-keys/not-a-uuid'), 404)).toMatchObject({ code: 'not_found' });
    const otherList = await json<{ items: ApiKeyView[] }>(await asOther('GET', '/v1/api-keys'), 200);
    expect(otherList.items.map((key) => key.id)).toEqual([otherAdmin.id]);

    // The other tenant's only admin key: revoking it would lock the tenant out of its keys.
    expect(await json(await asOther('DELETE', `/v1/api-keys/${otherAdmin.id}`), 409)).toMatchObject({
      code: 'conflict',
    });
    expect((await asOther('GET', '/v1/api-keys')).status).toBe(200);
  });

  it('pages keys newest first', async () => {
    const first = await json<{ items: ApiKeyView[]; nextCursor: string }>(
      await asTenantAdmin('GET', '/v1/api-keys?limit=2'),
      200,
    );
    expect(first.items).toHaveLength(2);
    const second = await json<{ items: ApiKeyView[] }>(
      await asTenantAdmin('GET', `/v1/api-keys?limit=2&cursor=${first.nextCursor}`),
      200,
    );
    const ids = [...first.items, ...second.items].map((key) => key.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(new Set(ids).size).toBe(ids.length);
  });
});
