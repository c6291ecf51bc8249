import { createApiRequest, startTestRuntime, type ApiRequest, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `/v1/webhooks`: the lifecycle of an endpoint (create with its secret shown once, read,
 * list by pages, change, delete) and its audit; validation; the address policy at
 * registration (a private, loopback or link-local address is 422 unless the allow-list names
 * it); another tenant's endpoints and deliveries are not found.
 */

interface Webhook {
  id: string;
  url: string;
  description: string | null;
  enabled: boolean;
  eventTypes: string[];
  secret?: string;
}

interface Problem {
  code: string;
  reason?: string;
  errors?: { path: string }[];
}

describe('the webhooks API', () => {
  let runtime: TestRuntime;
  let otherTenant: ApiRequest;
  const allowed = 'http://127.0.0.1:9/hooks';

  beforeAll(async () => {
    runtime = await startTestRuntime({ env: { AR_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32' } });
    const tenant = (await (await runtime.request('POST', '/v1/tenants', { name: 'elsewhere' })).json()) as {
      id: string;
    };
    const key = (await (
      await runtime.request('POST', `/v1/tenants/${tenant.id}/api-keys`, { name: 'admin' })
    ).json()) as { key: string };
    otherTenant = createApiRequest(runtime.url, key.key);
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  async function create(body: Record<string, unknown>): Promise<Webhook> {
    const response = await runtime.request('POST', '/v1/webhooks', body);
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as Webhook;
  }

  it('creates an endpoint with its secret shown once, reads, lists by pages, changes and deletes it, audited', async () => {
    const created = await create({ url: allowed, eventTypes: ['run.succeeded', 'run.failed'], description: 'ops' });
    expect(created).toMatchObject({ url: allowed, enabled: true, description: 'ops', previousSecretExpiresAt: null });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const read = (await (await runtime.request('GET', `/v1/webhooks/${created.id}`)).json()) as Webhook;
    expect(read.secret).toBeUndefined();
    expect(read).toMatchObject({ id: created.id, eventTypes: ['run.succeeded', 'run.failed'] });

    const second = await create({ url: allowed, eventTypes: ['schedule.fired'] });
    const first = (await (await runtime.request('GET', '/v1/webhooks?limit=1')).json()) as {
      items: Webhook[];
      nextCursor: string | null;
    };
    expect(first.items.map((item) => item.id)).toEqual([second.id]);
    const next = (await (await runtime.request('GET', `/v1/webhooks?limit=1&cursor=${first.nextCursor}`)).json()) as {
      items: Webhook[];
    };
    expect(next.items.map((item) => item.id)).toEqual([created.id]);
    expect(JSON.stringify([first, next])).not.toContain('whsec_');

    const changed = await runtime.request('PATCH', `/v1/webhooks/${created.id}`, {
      enabled: false,
      eventTypes: ['artifact.created'],
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ enabled: false, eventTypes: ['artifact.created'], url: allowed });

    expect((await runtime.request('DELETE', `/v1/webhooks/${created.id}`)).status).toBe(204);
    expect((await runtime.request('GET', `/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await runtime.request('DELETE', `/v1/webhooks/${created.id}`)).status).toBe(404);

    const audit = (await (await runtime.request('GET', `/v1/audit?targetId=${created.id}&limit=10`)).json()) as {
      items: { action: string; targetType: string }[];
    };
    expect(audit.items.map((item) => item.action).sort()).toEqual([
      'webhook.created',
      'webhook.deleted',
      'webhook.updated',
    ]);
    expect(JSON.stringify(audit)).not.toContain('whsec_');
  });

  it('refuses bad input with the failing path', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://example.com/', eventTypes: ['run.failed'] }, 'body.url'],
      [{ url: 'http://user:pw@example.com/', eventTypes: ['run.failed'] }, 'body.url'],
      [{ url: allowed, eventTypes: [] }, 'body.eventTypes'],
      [{ url: allowed, eventTypes: ['run.started'] }, 'body.eventTypes.0'],
      [{ url: allowed, eventTypes: ['run.failed', 'run.failed'] }, 'body.eventTypes'],
      [{ url: allowed, eventTypes: ['run.failed'], secret: 'mine' }, 'body'],
    ];
    for (const [body, path] of cases) {
      const response = await runtime.request('POST', '/v1/webhooks', body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const problem = (await response.json()) as Problem;
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors?.map((error) => error.path)).toContain(path);
    }
    expect((await runtime.request('GET', '/v1/webhooks/not-a-uuid')).status).toBe(404);
    expect((await runtime.request('GET', '/v1/webhooks?limit=0')).status).toBe(422);
    const patched = await runtime.request(
      'PATCH',
      `/v1/webhooks/${(await create({ url: allowed, eventTypes: ['run.failed'] })).id}`,
      {
        enabled: 'yes',
      },
    );
    expect(patched.status).toBe(422);
  });

  it('refuses a URL whose host is private, loopback, link-local or unresolvable unless the allow-list names it', async () => {
    // `localhost` resolves to 127.0.0.1 here, which the allow-list names.
    expect(
      (await runtime.request('POST', '/v1/webhooks', { url: 'http://localhost:9/', eventTypes: ['run.failed'] }))
        .status,
    ).toBe(201);
    const refused: [string, string][] = [
      ['http://127.0.0.2:9/', 'loopback'],
      ['http://[::1]:9/', 'loopback'],
      ['http://10.0.0.1/', 'private'],
      ['http://192.168.1.1/', 'private'],
      ['http://169.254.169.254/latest/meta-data', 'link_local'],
      ['http://0.0.0.0/', 'reserved'],
      ['http://nothing.invalid/', 'unresolvable'],
    ];
    for (const [url, reason] of refused) {
      const response = await runtime.request('POST', '/v1/webhooks', { url, eventTypes: ['run.failed'] });
      expect(response.status, url).toBe(422);
      expect(await response.json(), url).toMatchObject({ code: 'webhook_address_refused', reason });
    }
    const webhook = await create({ url: allowed, eventTypes: ['run.failed'] });
    const moved = await runtime.request('PATCH', `/v1/webhooks/${webhook.id}`, { url: 'http://10.1.2.3/' });
    expect(moved.status).toBe(422);
    expect(await moved.json()).toMatchObject({ code: 'webhook_address_refused', reason: 'private' });
  });

  it("answers 404 for another tenant's endpoint and its deliveries, and lists none of them", async () => {
    const webhook = await create({ url: allowed, eventTypes: ['run.failed'] });
    const paths: [string, string, unknown?][] = [
      ['GET', `/v1/webhooks/${webhook.id}`],
      ['PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false }],
      ['DELETE', `/v1/webhooks/${webhook.id}`],
      ['POST', `/v1/webhooks/${webhook.id}/rotate-secret`, {}],
      ['GET', `/v1/webhooks/${webhook.id}/deliveries`],
      ['POST', `/v1/webhooks/${webhook.id}/deliveries/${webhook.id}/redeliver`],
    ];
    for (const [method, path, body] of paths) {
      const response = await otherTenant(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(((await response.json()) as Problem).code).toBe('not_found');
    }
    const listed = (await (await otherTenant('GET', '/v1/webhooks')).json()) as { items: Webhook[] };
    expect(listed.items).toEqual([]);
    expect((await runtime.request('GET', `/v1/webhooks/${webhook.id}`)).status).toBe(200);
  });
});
