import { createApiKey, createTenant } from '@agent-runtime/core';
import { startTestRuntime, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

describe('API input handling', () => {
  let runtime: TestRuntime;
  let agentId: string;
  let otherTenantKey: string;
  const missingId = '01a20000-0000-7000-8000-000000000000';

  async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Problem;
    expect({ status: response.status, code: problem.code }).toEqual({ status, code });
    expect(problem.status).toBe(status);
    return problem;
  }

  async function rowCounts() {
    const count = (table: 'agents' | 'agent_versions' | 'runs' | 'tenants') =>
      runtime.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
        .then((row) => Number(row.n));
    return {
      agents: await count('agents'),
      versions: await count('agent_versions'),
      runs: await count('runs'),
      tenants: await count('tenants'),
    };
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ worker: false });
    agentId = runtime.exampleAgentId;
    const other = await createTenant(runtime.database.db, 'other-tenant');
    otherTenantKey = (
      await createApiKey(runtime.database.db, { tenantId: other.id, name: 'other', roles: ['developer'] })
    ).key;
  });
  afterAll(() => runtime.stop());

  it('answers health, readiness and OpenAPI 3.1 without credentials', async () => {
    expect((await fetch(`${runtime.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${runtime.url}/readyz`)).json()).toEqual({ status: 'ok' });
    const document = (await (await fetch(`${runtime.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/healthz',
      '/readyz',
      '/v1/agents',
      '/v1/agents/{agentId}',
      '/v1/agents/{agentId}/versions',
      '/v1/agents/{agentId}/versions/{version}',
      '/v1/agents/{agentId}/versions/{version}/tools',
      '/v1/api-keys',
      '/v1/api-keys/{keyId}',
      '/v1/audit',
      '/v1/callbacks/{token}',
      '/v1/retention',
      '/v1/run-webhook-secret',
      '/v1/runs',
      '/v1/runs/{runId}',
      '/v1/runs/{runId}/approvals/{approvalId}',
      '/v1/runs/{runId}/artifacts',
      '/v1/runs/{runId}/artifacts/{artifactId}',
      '/v1/runs/{runId}/artifacts/{artifactId}/content',
      '/v1/runs/{runId}/cancel',
      '/v1/runs/{runId}/events',
      '/v1/runs/{runId}/messages',
      '/v1/runs/{runId}/replay',
      '/v1/runs/{runId}/waitpoints',
      '/v1/runs/{runId}/webhook-deliveries',
      '/v1/schedules',
      '/v1/schedules/{scheduleId}',
      '/v1/schedules/{scheduleId}/pause',
      '/v1/schedules/{scheduleId}/trigger',
      '/v1/schedules/{scheduleId}/unpause',
      '/v1/secrets',
      '/v1/secrets/{name}',
      '/v1/store/items',
      '/v1/store/items/search',
      '/v1/store/namespaces',
      '/v1/tenants',
      '/v1/tenants/{tenantId}',
      '/v1/tenants/{tenantId}/api-keys',
      '/v1/threads',
      '/v1/threads/{threadId}',
      '/v1/threads/{threadId}/events',
      '/v1/threads/{threadId}/fork',
      '/v1/threads/{threadId}/messages',
      '/v1/threads/{threadId}/runs',
      '/v1/usage',
      '/v1/webhooks',
      '/v1/webhooks/{webhookId}',
      '/v1/webhooks/{webhookId}/deliveries',
      '/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver',
      '/v1/webhooks/{webhookId}/rotate-secret',
    ]);
    expect(Object.keys(document.paths['/v1/runs'] ?? {})).toEqual(['post', 'get']);
  });

  it('documents every error of every operation as problem+json, with no unresolvable reference', async () => {
    const document = (await (await fetch(`${runtime.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const references = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]);
    const components = new Set(Object.keys(document.components.schemas).map((name) => `#/components/schemas/${name}`));
    expect(references.filter((reference) => !components.has(reference ?? ''))).toEqual([]);
    const undocumented: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const types = Object.keys(response.content ?? {});
          if (Number(status) >= 400 && types.join() !== 'application/problem+json') {
            undocumented.push(`${method} ${path} ${status}: ${types.join()}`);
          }
        }
        if (path.includes('{') && !operation.responses['404']) undocumented.push(`${method} ${path}: no 404`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it("answers the router's refusals as problems, and NUL or over-deep JSON as 422, never 500", async () => {
    const wrongMethod = await runtime.request('PUT', '/v1/agents');
    await expectProblem(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('POST, GET, HEAD');
    await expectProblem(await runtime.request('GET', `/v1/agents/${'a'.repeat(1001)}`), 414, 'uri_too_long');
    await expectProblem(await runtime.request('GET', `/v1/agents/${'a'.repeat(101)}`), 422, 'validation_failed');
    const nul = await expectProblem(
      await runtime.request('POST', '/v1/agents', { name: 'nul', description: 'a\u0000b' }),
      422,
      'validation_failed',
    );
    expect(nul.errors).toEqual([{ path: 'body.description', message: 'must not contain U+0000 (NUL)' }]);
    await expectProblem(await runtime.request('GET', '/v1/runs?limit='), 422, 'validation_failed');
    // Written out: JSON.stringify itself cannot nest this deep.
    const deep = `{"agentId":"${agentId}","input":${'['.repeat(10_000)}1${']'.repeat(10_000)}}`;
    await expectProblem(await runtime.request('POST', '/v1/runs', deep), 422, 'validation_failed');
  });

  it('serves an offline API reference page at /docs under a strict Content-Security-Policy', async () => {
    const page = await fetch(`${runtime.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.every((asset) => asset.startsWith('/docs/'))).toBe(true);
    for (const asset of assets) expect((await fetch(`${runtime.url}${asset}`)).status, asset).toBe(200);
  });

  it('rejects missing and invalid credentials with 401, and a role it lacks with 403', async () => {
    await expectProblem(await fetch(`${runtime.url}/v1/agents`), 401, 'unauthenticated');
    await expectProblem(
      await fetch(`${runtime.url}/v1/agents`, {
        headers: { authorization: 'Bearer ar_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' },
      }),
      401,
      'unauthenticated',
    );
    await expectProblem(
      await fetch(`${runtime.url}/v1/agents`, { headers: { authorization: 'Basic x' } }),
      401,
      'unauthenticated',
    );
    await expectProblem(
      await fetch(`${runtime.url}/v1/tenants`, { headers: { authorization: `Bearer ${otherTenantKey}` } }),
      403,
      'forbidden',
    );
  });

  it('answers every bad request with a 4xx problem and writes nothing', async () => {
    const before = await rowCounts();
    const oversize = JSON.stringify({ agentId, input: 'x'.repeat(1024 * 1024 + 10) });
    const cases: [string, string, unknown, number, string, Record<string, string>?][] = [
      // malformed JSON
      ['POST', '/v1/agents', '{"name":', 400, 'malformed_request'],
      ['POST', '/v1/runs', '{bad json', 400, 'malformed_request'],
      ['PATCH', `/v1/agents/${agentId}`, '[1,', 400, 'malformed_request'],
      ['POST', `/v1/agents/${agentId}/versions`, 'nope', 400, 'malformed_request'],
      ['POST', '/v1/tenants', '{', 400, 'malformed_request'],
      // unknown fields
      ['POST', '/v1/agents', { name: 'a', colour: 'red' }, 422, 'validation_failed'],
      ['POST', '/v1/runs', { agentId, input: 'x', priority: 1 }, 422, 'validation_failed'],
      ['PATCH', `/v1/agents/${agentId}`, { owner: 'me' }, 422, 'validation_failed'],
      ['POST', '/v1/tenants', { name: 't', plan: 'gold' }, 422, 'validation_failed'],
      [
        'POST',
        `/v1/agents/${agentId}/versions`,
        { spec: { model: { provider: 'scripted', replies: [{}] }, extra: 1 } },
        422,
        'validation_failed',
      ],
      // wrong types and bad values
      ['POST', '/v1/agents', { name: 42 }, 422, 'validation_failed'],
      ['POST', '/v1/agents', { name: 'Has Spaces' }, 422, 'validation_failed'],
      ['POST', '/v1/agents', {}, 422, 'validation_failed'],
      ['POST', '/v1/runs', { agentId: 'not-a-uuid', input: 'x' }, 422, 'validation_failed'],
      ['POST', '/v1/runs', { agentId, version: 'one', input: 'x' }, 422, 'validation_failed'],
      ['POST', '/v1/runs', { agentId }, 422, 'validation_failed'],
      ['POST', '/v1/runs', { agentId, input: 'x', metadata: { key: 5 } }, 422, 'validation_failed'],
      ['POST', '/v1/runs', [1, 2], 422, 'validation_failed'],
      ['PATCH', `/v1/agents/${agentId}`, {}, 422, 'validation_failed'],
      ['POST', `/v1/agents/${agentId}/versions`, { spec: { model: { provider: 'gpt' } } }, 422, 'validation_failed'],
      [
        'POST',
        `/v1/agents/${agentId}/versions`,
        { spec: { model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'rm' }] }] } } },
        422,
        'validation_failed',
      ],
      ['POST', '/v1/runs', { agentId, input: 'x' }, 422, 'validation_failed', { 'idempotency-key': '' }],
      // oversize and non-JSON bodies
      ['POST', '/v1/runs', oversize, 413, 'payload_too_large'],
      [
        'POST',
        '/v1/agents',
        'name=a',
        415,
        'unsupported_media_type',
        { 'content-type': 'application/x-www-form-urlencoded' },
      ],
      // unknown ids (well-formed or not) and versions
      ['POST', '/v1/runs', { agentId: missingId, input: 'x' }, 404, 'not_found'],
      ['POST', '/v1/runs', { agentId, version: 99, input: 'x' }, 404, 'not_found'],
      ['GET', `/v1/runs/${missingId}`, undefined, 404, 'not_found'],
      ['GET', '/v1/runs/not-a-uuid', undefined, 404, 'not_found'],
      ['GET', `/v1/runs/${missingId}/events`, undefined, 404, 'not_found'],
      ['GET', `/v1/agents/${missingId}`, undefined, 404, 'not_found'],
      ['GET', '/v1/agents/%27%3B--', undefined, 404, 'not_found'],
      ['PATCH', `/v1/agents/${missingId}`, { name: 'x' }, 404, 'not_found'],
      ['DELETE', `/v1/agents/${missingId}`, undefined, 404, 'not_found'],
      [
        'POST',
        `/v1/agents/${missingId}/versions`,
        { spec: { model: { provider: 'scripted', replies: [{}] } } },
        404,
        'not_found',
      ],
      ['GET', `/v1/agents/${missingId}/versions`, undefined, 404, 'not_found'],
      ['GET', `/v1/agents/${agentId}/versions/77`, undefined, 404, 'not_found'],
      ['GET', `/v1/tenants/${missingId}`, undefined, 404, 'not_found'],
      ['GET', '/v1/nothing-here', undefined, 404, 'route_not_found'],
      // bad query parameters
      ['GET', '/v1/runs?limit=0', undefined, 422, 'validation_failed'],
      ['GET', '/v1/runs?limit=abc', undefined, 422, 'validation_failed'],
      ['GET', '/v1/runs?status=sleeping', undefined, 422, 'validation_failed'],
      ['GET', '/v1/runs?agentId=nope', undefined, 422, 'validation_failed'],
      ['GET', '/v1/runs?colour=red', undefined, 422, 'validation_failed'],
      ['GET', '/v1/runs?cursor=garbage', undefined, 400, 'malformed_request'],
      ['GET', '/v1/agents?cursor=%%%', undefined, 400, 'malformed_request'],
      ['GET', `/v1/agents/${agentId}/versions?cursor=abc`, undefined, 400, 'malformed_request'],
      ['GET', `/v1/agents/${agentId}/versions/0`, undefined, 422, 'validation_failed'],
      ['GET', `/v1/runs/${missingId}/events?after=-1`, undefined, 422, 'validation_failed'],
      ['GET', '/v1/tenants?limit=1000', undefined, 422, 'validation_failed'],
    ];
    for (const [method, path, body, status, code, headers] of cases) {
      const response = await runtime.request(method, path, body, headers);
      await expect.soft(expectProblem(response, status, code), `${method} ${path}`).resolves.toBeDefined();
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("answers 503 when no worker lists a version's MCP tools: the API never connects to them itself", async () => {
    const before = await rowCounts();
    const started = Date.now();
    const response = await runtime.request('POST', `/v1/agents/${agentId}/versions`, {
      spec: {
        model: { provider: 'scripted', replies: [{}] },
        mcpServers: [
          {
            name: 'local',
            transport: { type: 'stdio', command: process.execPath, args: ['-e', ''], timeoutSeconds: 1 },
          },
        ],
      },
    });
    const problem = await expectProblem(response, 503, 'dependency_unavailable');
    expect(problem.detail).toMatch(/no worker/);
    // The worker had its pickup time, not the listing's (21 pages of 1 s and more).
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await rowCounts()).toEqual(before);
  }, 30_000);

  it('reports each invalid field with its path', async () => {
    const response = await runtime.request('POST', '/v1/runs', { agentId: 'x', version: 0, input: 'x' });
    const problem = await expectProblem(response, 422, 'validation_failed');
    expect(problem.errors?.map((error) => error.path)).toEqual(['body.agentId', 'body.version']);
  });

  it("hides another tenant's objects behind 404", async () => {
    const asOther = (method: string, path: string, body?: unknown) =>
      fetch(`${runtime.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${otherTenantKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const run = (await (await runtime.request('POST', '/v1/runs', { agentId, input: 'mine' })).json()) as {
      id: string;
    };
    const before = await rowCounts();
    await expectProblem(await asOther('GET', `/v1/agents/${agentId}`), 404, 'not_found');
    await expectProblem(await asOther('PATCH', `/v1/agents/${agentId}`, { name: 'stolen' }), 404, 'not_found');
    await expectProblem(await asOther('DELETE', `/v1/agents/${agentId}`), 404, 'not_found');
    await expectProblem(await asOther('GET', `/v1/agents/${agentId}/versions`), 404, 'not_found');
    await expectProblem(await asOther('GET', `/v1/agents/${agentId}/versions/1`), 404, 'not_found');
    await expectProblem(
      await asOther('POST', `/v1/agents/${agentId}/versions`, {
        spec: { model: { provider: 'scripted', replies: [{}] } },
      }),
      404,
      'not_found',
    );
    await expectProblem(await asOther('POST', '/v1/runs', { agentId, input: 'theirs' }), 404, 'not_found');
    await expectProblem(await asOther('GET', `/v1/runs/${run.id}`), 404, 'not_found');
    await expectProblem(await asOther('GET', `/v1/runs/${run.id}/events`), 404, 'not_found');
    const list = (await (await asOther('GET', '/v1/runs')).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it('honours Idempotency-Key: same key and body → same run; different body → 409', async () => {
    const headers = { 'idempotency-key': 'create-once' };
    const first = await runtime.request('POST', '/v1/runs', { agentId, input: { message: 'hi' } }, headers);
    expect(first.status).toBe(202);
    const run = (await first.json()) as { id: string };
    const again = await runtime.request('POST', '/v1/runs', { input: { message: 'hi' }, agentId }, headers);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(run.id);
    const before = await rowCounts();
    await expectProblem(
      await runtime.request('POST', '/v1/runs', { agentId, input: { message: 'other' } }, headers),
      409,
      'idempotency_key_conflict',
    );
    expect(await rowCounts()).toEqual(before);
  });

  it('creates, pages, renames and archives agents', async () => {
    const created = [];
    for (const name of ['page-a', 'page-b', 'page-c']) {
      created.push(((await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string }).id);
    }
    await expectProblem(await runtime.request('POST', '/v1/agents', { name: 'page-a' }), 409, 'conflict');
    const first = (await (await runtime.request('GET', '/v1/agents?limit=2')).json()) as {
      items: { id: string }[];
      nextCursor: string;
    };
    expect(first.items.map((agent) => agent.id)).toEqual([created[2], created[1]]);
    const second = (await (await runtime.request('GET', `/v1/agents?limit=2&cursor=${first.nextCursor}`)).json()) as {
      items: { id: string }[];
    };
    expect(second.items[0]?.id).toBe(created[0]);
    const renamed = await runtime.request('PATCH', `/v1/agents/${created[0]}`, { name: 'page-z', description: null });
    expect(await renamed.json()).toMatchObject({ name: 'page-z', description: null });
    const archived = (await (await runtime.request('DELETE', `/v1/agents/${created[0]}`)).json()) as {
      archivedAt: string;
    };
    expect(archived.archivedAt).not.toBeNull();
    await expectProblem(
      await runtime.request('POST', `/v1/agents/${created[0]}/versions`, {
        spec: { model: { provider: 'scripted', replies: [{}] } },
      }),
      409,
      'agent_archived',
    );
    await expectProblem(
      await runtime.request('POST', '/v1/runs', { agentId: created[1], input: 'x' }),
      422,
      'validation_failed',
    );
    const listed = (await (await runtime.request('GET', '/v1/agents?limit=100')).json()) as { items: { id: string }[] };
    expect(listed.items.map((agent) => agent.id)).not.toContain(created[0]);
  });
});
