import { setTimeout as delay } from 'node:timers/promises';
import { createApiKey, createTenant } from '@agent-runtime/core';
import { createApiRequest, startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface AuditView {
  id: string;
  tenantId: string;
  occurredAt: string;
  actor: { subject: string; kind: string };
  action: string;
  target: { type: string; id: string };
  requestId: string | null;
  details: Record<string, unknown>;
}

describe('audit log over HTTP', () => {
  let runtime: TestRuntime;
  let actor: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    const keys = await runtime.request('GET', '/v1/api-keys');
    const seeded = ((await keys.json()) as { items: { id: string; name: string }[] }).items.find(
      (key) => key.name === 'bootstrap admin',
    );
    actor = `api-key:${seeded?.id ?? ''}`;
  });
  afterAll(() => runtime.stop());

  async function audit(query = ''): Promise<AuditView[]> {
    const response = await runtime.request('GET', `/v1/audit?limit=100${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: AuditView[] }).items;
  }

  async function post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const response = await runtime.request('POST', path, body, headers);
    expect(response.status, `POST ${path}`).toBeLessThan(300);
    return (await response.json()) as T;
  }

  it('records each change with who, what, which object and which request', async () => {
    const tenant = await post<{ id: string }>('/v1/tenants', { name: 'audited-tenant' });
    const agent = await post<{ id: string }>('/v1/agents', { name: 'audited' });
    await runtime.request('PATCH', `/v1/agents/${agent.id}`, { description: 'now described' });
    await post(`/v1/agents/${agent.id}/versions`, {
      spec: {
        model: {
          provider: 'scripted',
          replies: [
            { text: 'may I?', toolCalls: [{ id: 'pay', name: 'echo', arguments: { amount: 10 } }] },
            { text: 'done' },
          ],
        },
        tools: [{ name: 'echo', requiresApproval: true }],
      },
    });
    const headers = { 'idempotency-key': 'audited-run' };
    const run = await post<{ id: string }>('/v1/runs', { agentId: agent.id, input: 'go' }, headers);
    await post('/v1/runs', { agentId: agent.id, input: 'go' }, headers);

    let approvalId: string | undefined;
    for (const deadline = Date.now() + 20_000; !approvalId && Date.now() < deadline; await delay(100)) {
      const view = (await (await runtime.request('GET', `/v1/runs/${run.id}`)).json()) as {
        pendingApprovals: { id: string }[];
      };
      approvalId = view.pendingApprovals[0]?.id;
    }
    if (!approvalId) throw new Error('the run never asked for approval');
    await post(`/v1/runs/${run.id}/messages`, { content: 'private words of the user' });
    await post(`/v1/runs/${run.id}/approvals/${encodeURIComponent(approvalId)}`, {
      decision: 'approve',
      comment: 'private reason',
    });
    expect((await waitForRun(runtime, run.id)).status).toBe('succeeded');

    const queued = await post<{ id: string }>('/v1/runs', { agentId: agent.id, input: 'cancel me' });
    const cancel = await runtime.request('POST', `/v1/runs/${queued.id}/cancel`);
    expect(cancel.status).toBe(202);
    const cancelRequestId = cancel.headers.get('x-request-id');
    await runtime.request('DELETE', `/v1/agents/${agent.id}`);
    await runtime.request('DELETE', `/v1/agents/${agent.id}`);
    const key = await post<{ id: string; key: string }>('/v1/api-keys', { name: 'audited key', roles: ['viewer'] });
    await runtime.request('DELETE', `/v1/api-keys/${key.id}`);
    await runtime.request('DELETE', `/v1/api-keys/${key.id}`);

    const events = (await audit()).reverse();
    const summary = events.map((event) => `${event.action} ${event.target.type}:${event.target.id}`);
    expect(summary).toEqual([
      `tenant.created tenant:${tenant.id}`,
      `agent.created agent:${agent.id}`,
      `agent.updated agent:${agent.id}`,
      `agent_version.created agent:${agent.id}`,
      `run.created run:${run.id}`,
      `run.message_sent run:${run.id}`,
      `approval.decided run:${run.id}`,
      `run.created run:${queued.id}`,
      `run.cancelled run:${queued.id}`,
      `agent.archived agent:${agent.id}`,
      `api_key.created api_key:${key.id}`,
      `api_key.revoked api_key:${key.id}`,
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ tenantId: runtime.tenantId, actor: { subject: actor, kind: 'api_key' } });
      expect(event.requestId).toEqual(expect.any(String));
    }
    expect(events.find((event) => event.action === 'run.cancelled')?.requestId).toBe(cancelRequestId);
    expect(events.find((event) => event.action === 'approval.decided')?.details).toEqual({
      approvalId,
      decision: 'approve',
      commented: true,
    });
    expect(events.find((event) => event.action === 'agent_version.created')?.details).toMatchObject({ version: 1 });
    const text = JSON.stringify(events);
    expect(text).not.toContain('private');
    expect(text).not.toContain(key.key.slice(12));
  });

  it('filters by action, actor, target and time, pages newest first, and stays in the tenant', async () => {
    const all = await audit();
    expect(all.length).toBeGreaterThan(3);
    expect((await audit('&action=run.created')).every((event) => event.action === 'run.created')).toBe(true);
    expect(await audit(`&actor=${encodeURIComponent(actor)}`)).toEqual(all);
    expect(await audit('&actor=someone-else')).toEqual([]);
    const run = all.find((event) => event.target.type === 'run');
    const ofRun = await audit(`&targetType=run&targetId=${run?.target.id ?? ''}`);
    expect(ofRun.length).toBeGreaterThan(0);
    expect(ofRun.every((event) => event.target.id === run?.target.id)).toBe(true);
    const newest = all[0]?.occurredAt ?? '';
    expect(await audit(`&since=${encodeURIComponent(newest)}`)).toContainEqual(all[0]);
    expect(await audit(`&until=${encodeURIComponent(all.at(-1)?.occurredAt ?? '')}`)).toEqual([]);

    const page = (await (await runtime.request('GET', '/v1/audit?limit=2')).json()) as {
      items: AuditView[];
      nextCursor: string;
    };
    expect(page.items).toEqual(all.slice(0, 2));
    const next = (await (await runtime.request('GET', `/v1/audit?limit=2&cursor=${page.nextCursor}`)).json()) as {
      items: AuditView[];
    };
    expect(next.items).toEqual(all.slice(2, 4));

    for (const query of ['since=yesterday', 'limit=0', 'colour=red']) {
      expect((await runtime.request('GET', `/v1/audit?${query}`)).status, query).toBe(422);
    }
    expect((await runtime.request('GET', '/v1/audit?cursor=zzz')).status).toBe(400);

    const other = await createTenant(runtime.database.db, 'audit-other');
    const otherAdmin = await createApiKey(runtime.database.db, {
      tenantId: other.id,
      name: 'a',
      roles: ['tenant-admin'],
    });
    const asOther = createApiRequest(runtime.url, otherAdmin.key);
    expect(await (await asOther('GET', '/v1/audit')).json()).toEqual({ items: [], nextCursor: null });
  });
});
