import { randomBytes } from 'node:crypto';
import {
  createApiKey,
  createTenant,
  generateMasterKeyEntry,
  parseMasterKeys,
  resolveSecret,
  rewrapSecrets,
  SecretUnavailableError,
  type MasterKey,
} from '@agent-runtime/core';
import {
  createApiRequest,
  databaseKinds,
  startTestRuntime,
  type ApiRequest,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Problem {
  status: number;
  code: string;
  detail: string;
  missingSecrets?: string[];
  errors?: { path: string; message: string }[];
}

interface SecretMetadata {
  id: string;
  name: string;
  description: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

function masterKey(id: string): MasterKey {
  const parsed = parseMasterKeys(generateMasterKeyEntry(id));
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.keys[0] as MasterKey;
}

describe.each(databaseKinds)('secrets API on %s', (database) => {
  let runtime: TestRuntime;
  let asOtherTenant: ApiRequest;
  let asDeveloper: ApiRequest;
  const value = `sk-${randomBytes(24).toString('hex')}`;

  async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Problem;
    expect({ status: response.status, code: problem.code }).toEqual({ status, code });
    return problem;
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ database, worker: false });
    const other = await createTenant(runtime.database.db, `other-${database}`);
    const otherAdmin = await createApiKey(runtime.database.db, {
      tenantId: other.id,
      name: 'other-admin',
      roles: ['tenant-admin'],
    });
    asOtherTenant = createApiRequest(runtime.url, otherAdmin.key);
    const developer = await createApiKey(runtime.database.db, {
      tenantId: runtime.tenantId,
      name: 'developer',
      roles: ['developer'],
    });
    asDeveloper = createApiRequest(runtime.url, developer.key);
  });

  afterAll(async () => {
    await runtime.stop();
  });

  it('creates, reads, lists, replaces and deletes a secret, never answering its value', async () => {
    const responses: string[] = [];
    const send = async (method: string, path: string, body?: unknown) => {
      const response = await runtime.request(method, path, body);
      responses.push(await response.clone().text());
      return response;
    };

    const created = await send('POST', '/v1/secrets', { name: 'CRM_TOKEN', value, description: 'CRM API' });
    expect(created.status).toBe(201);
    const secret = (await created.json()) as SecretMetadata;
    expect(secret).toMatchObject({ name: 'CRM_TOKEN', description: 'CRM API', version: 1 });
    expect(Object.keys(secret).sort()).toEqual(
      ['createdAt', 'description', 'id', 'name', 'tenantId', 'updatedAt', 'version'].sort(),
    );

    const again = await send('POST', '/v1/secrets', { name: 'CRM_TOKEN', value: 'other' });
    expect((await expectProblem(again, 409, 'conflict')).detail).toMatch(/"CRM_TOKEN" already exists/);

    expect(await (await send('GET', '/v1/secrets/CRM_TOKEN')).json()).toEqual(secret);

    const replaced = await send('PUT', '/v1/secrets/CRM_TOKEN', { value: `${value}-v2` });
    expect(replaced.status).toBe(200);
    const afterReplace = (await replaced.json()) as SecretMetadata;
    expect(afterReplace).toMatchObject({ id: secret.id, version: 2, description: 'CRM API' });
    expect(Date.parse(afterReplace.updatedAt)).toBeGreaterThanOrEqual(Date.parse(secret.updatedAt));
    expect(await resolveSecret(runtime.database.db, runtime.config.AR_MASTER_KEYS, runtime.tenantId, 'CRM_TOKEN')).toBe(
      `${value}-v2`,
    );

    expect((await send('DELETE', '/v1/secrets/CRM_TOKEN')).status).toBe(204);
    await expectProblem(await send('GET', '/v1/secrets/CRM_TOKEN'), 404, 'not_found');
    await expectProblem(await send('DELETE', '/v1/secrets/CRM_TOKEN'), 404, 'not_found');
    await expectProblem(await send('PUT', '/v1/secrets/CRM_TOKEN', { value }), 404, 'not_found');
    // The name is free again.
    expect((await send('POST', '/v1/secrets', { name: 'CRM_TOKEN', value })).status).toBe(201);

    for (const body of responses) expect(body).not.toContain(value);
  });

  it('documents secrets in OpenAPI without any value field in responses', async () => {
    const document = (await (await fetch(`${runtime.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(document.paths['/v1/secrets/{name}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(document.components.schemas['Secret']?.properties ?? {})).not.toContain('value');
  });

  it('pages through secrets newest first with a cursor, metadata only', async () => {
    for (const name of ['PAGE_A', 'PAGE_B', 'PAGE_C']) {
      expect((await runtime.request('POST', '/v1/secrets', { name, value })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const response = await runtime.request('GET', `/v1/secrets${query}`);
      const text = await response.text();
      expect(text).not.toContain(value);
      const page = JSON.parse(text) as { items: SecretMetadata[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual(['PAGE_C', 'PAGE_B', 'PAGE_A']);
    await expectProblem(await runtime.request('GET', '/v1/secrets?cursor=bogus'), 400, 'malformed_request');
  });

  it('rejects bad names, empty or oversized values and unknown fields with 422', async () => {
    const bad = [
      { name: '1ABC', value },
      { name: 'has space', value },
      { name: 'A'.repeat(129), value },
      { name: 'EMPTY', value: '' },
      { name: 'BIG', value: 'x'.repeat(64 * 1024 + 1) },
      { name: 'BIG_UTF8', value: 'é'.repeat(32 * 1024 + 1) },
      { name: 'NUMBER', value: 42 },
      { name: 'EXTRA', value, plaintext: true },
    ];
    for (const body of bad) {
      const problem = await expectProblem(await runtime.request('POST', '/v1/secrets', body), 422, 'validation_failed');
      expect(JSON.stringify(problem)).not.toContain(value);
    }
    expect((await runtime.request('POST', '/v1/secrets', { name: 'EXACT', value: 'x'.repeat(64 * 1024) })).status).toBe(
      201,
    );
    await expectProblem(await runtime.request('GET', '/v1/secrets/not%20a%20name'), 404, 'not_found');
    // JSON.parse quotes an excerpt of what it cannot parse: the answer must not repeat even that.
    const unquoted = await expectProblem(
      await runtime.request('POST', '/v1/secrets', `{"name":"RAW","value":${value}}`),
      400,
      'malformed_request',
    );
    expect(unquoted.detail).not.toContain(value.slice(0, 6));
  });

  it('keeps tenants apart and lets only admins manage secrets', async () => {
    expect((await runtime.request('POST', '/v1/secrets', { name: 'MINE', value })).status).toBe(201);
    await expectProblem(await asOtherTenant('GET', '/v1/secrets/MINE'), 404, 'not_found');
    await expectProblem(await asOtherTenant('DELETE', '/v1/secrets/MINE'), 404, 'not_found');
    const otherList = (await (await asOtherTenant('GET', '/v1/secrets')).json()) as { items: unknown[] };
    expect(otherList.items).toEqual([]);
    // The same name in another tenant is another secret.
    expect((await asOtherTenant('POST', '/v1/secrets', { name: 'MINE', value: 'theirs' })).status).toBe(201);
    await expect(
      resolveSecret(runtime.database.db, runtime.config.AR_MASTER_KEYS, runtime.tenantId, 'MINE'),
    ).resolves.toBe(value);

    await expectProblem(await asDeveloper('GET', '/v1/secrets'), 403, 'forbidden');
    await expectProblem(await asDeveloper('POST', '/v1/secrets', { name: 'DEV', value }), 403, 'forbidden');
    await expectProblem(
      await fetch(`${runtime.url}/v1/secrets`, { headers: { authorization: 'Bearer nope' } }),
      401,
      'unauthenticated',
    );
  });

  it('rejects a version that names a secret the tenant lacks (422 naming it), accepts it once created', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'crm-agent' })).json()) as { id: string };
    const spec = {
      model: { provider: 'scripted', replies: [{ text: 'hi' }] },
      tools: [
        {
          kind: 'http',
          name: 'crm',
          url: 'http://127.0.0.1:9/crm',
          headers: { Authorization: { secret: 'CRM_MISSING', prefix: 'Bearer ' }, 'x-tenant': 'acme' },
        },
      ],
    };
    const problem = await expectProblem(
      await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec }),
      422,
      'validation_failed',
    );
    expect(problem.detail).toMatch(/secrets this tenant does not have: CRM_MISSING/);
    expect(problem.missingSecrets).toEqual(['CRM_MISSING']);
    expect(problem.errors).toEqual([
      {
        path: 'body.spec.tools.0.headers.Authorization.secret',
        message: expect.stringMatching(/secret "CRM_MISSING" does not exist/),
      },
    ]);
    // Another tenant's secret of that name does not count.
    expect((await asOtherTenant('POST', '/v1/secrets', { name: 'CRM_MISSING', value })).status).toBe(201);
    expect((await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(422);
    expect((await runtime.request('POST', '/v1/secrets', { name: 'CRM_MISSING', value })).status).toBe(201);
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(version.status).toBe(201);
    // The version holds the reference, not the value.
    expect(await version.text()).not.toContain(value);
  });

  it('rewraps every secret under a new master key, then reads them without the old one', async () => {
    const db = runtime.database.db;
    const [oldKey] = runtime.config.AR_MASTER_KEYS as [MasterKey];
    const newKey = masterKey('rotated');
    const before = await db.selectFrom('secrets').select(['id', 'ciphertext']).execute();
    expect(before.length).toBeGreaterThan(3);
    const progress: number[] = [];
    const result = await rewrapSecrets(db, [newKey, oldKey], {
      batchSize: 2,
      onProgress: ({ rewrapped }) => progress.push(rewrapped),
    });
    expect(result).toEqual({ rewrapped: before.length, total: before.length, remaining: 0 });
    expect(progress.at(-1)).toBe(before.length);
    expect(progress.length).toBeGreaterThan(1);
    const after = await db.selectFrom('secrets').select(['id', 'key_id', 'ciphertext']).execute();
    for (const row of after) {
      expect(row.key_id).toBe('rotated');
      const earlier = before.find((candidate) => candidate.id === row.id);
      expect(Buffer.from(row.ciphertext).equals(Buffer.from(earlier?.ciphertext ?? []))).toBe(true);
    }
    expect(await resolveSecret(db, [newKey], runtime.tenantId, 'MINE')).toBe(value);
    const unreadable = await resolveSecret(db, [oldKey], runtime.tenantId, 'MINE').catch((error: unknown) => error);
    expect(unreadable).toBeInstanceOf(SecretUnavailableError);
    expect(unreadable).toMatchObject({ reason: 'unreadable', secretName: 'MINE' });
    expect(await rewrapSecrets(db, [newKey])).toEqual({ rewrapped: 0, total: 0, remaining: 0 });
    // A row moved to another name does not open.
    const mine = await db
      .selectFrom('secrets')
      .select(['wrapped_data_key', 'ciphertext'])
      .where('tenant_id', '=', runtime.tenantId)
      .where('name', '=', 'MINE')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('secrets')
      .set({ wrapped_data_key: mine.wrapped_data_key, ciphertext: mine.ciphertext })
      .where('tenant_id', '=', runtime.tenantId)
      .where('name', '=', 'PAGE_A')
      .execute();
    await expect(resolveSecret(db, [newKey], runtime.tenantId, 'PAGE_A')).rejects.toMatchObject({
      reason: 'unreadable',
    });
  });
});
