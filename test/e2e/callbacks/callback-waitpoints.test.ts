import { createApiKey, createTenant } from '@agent-runtime/core';
import {
  createApiRequest,
  startTestRuntime,
  waitForRun,
  waitUntil,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface EventView {
  seq: number;
  type: string;
  step: number | null;
  data: Record<string, unknown>;
}
interface WaitpointView {
  id: string;
  status: string;
  tool: string;
  callId: string;
}

/**
 * Callbacks in: a callback tool's call gives the run a signed, single-use, expiring URL; a
 * POST to it (no API key) resumes the run with the posted JSON. Approvals carry approve and
 * reject links that decide them the same way. Every refusal changes nothing.
 */
describe('callback URLs and approval links', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(() => runtime.stop());

  async function startRun(name: string, spec: unknown): Promise<string> {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(version.status, await version.clone().text()).toBe(201);
    const run = await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'go' });
    expect(run.status).toBe(202);
    return ((await run.json()) as { id: string }).id;
  }

  async function events(runId: string): Promise<EventView[]> {
    const page = (await (await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
      items: EventView[];
    };
    return page.items;
  }

  async function waitpoints(runId: string): Promise<WaitpointView[]> {
    const page = (await (await runtime.request('GET', `/v1/runs/${runId}/waitpoints`)).json()) as {
      items: WaitpointView[];
    };
    return page.items;
  }

  /** The run's first event of a type, once it is there. */
  async function eventOf(runId: string, type: string): Promise<EventView> {
    let found: EventView | undefined;
    await waitUntil(
      `a ${type} event`,
      async () => (found = (await events(runId)).find((event) => event.type === type)) !== undefined,
      20_000,
    );
    return found as EventView;
  }

  /** A POST to a link as an outside system sends it: no API key. */
  function post(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${runtime.url}${url}`, {
      method: 'POST',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  }

  const callbackSpec = (tool: Record<string, unknown> = {}) => ({
    model: {
      provider: 'scripted',
      replies: [
        { text: 'asking the bank', toolCalls: [{ id: 'pay', name: 'await_payment', arguments: { invoice: 'INV-7' } }] },
        { text: 'done' },
      ],
    },
    tools: [{ kind: 'callback', name: 'await_payment', description: 'Waits for the bank', ...tool }],
  });

  it('resumes a waiting run with the JSON POSTed to its URL, once', async () => {
    const runId = await startRun('pays-later', callbackSpec());
    const waiting = await eventOf(runId, 'callback.waiting');
    const url = String(waiting.data['url']);
    expect(url).toMatch(/^\/v1\/callbacks\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(waiting.data).toMatchObject({ callId: 'pay', tool: 'await_payment', input: { invoice: 'INV-7' } });
    expect(((await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as { status: string }).status).toBe(
      'waiting',
    );
    expect(await waitpoints(runId)).toEqual([
      expect.objectContaining({ id: waiting.data['waitpointId'], status: 'pending', tool: 'await_payment' }),
    ]);

    // A GET (a link scanner) changes nothing.
    const looked = await fetch(`${runtime.url}${url}`);
    expect(looked.status).toBe(200);
    expect(await looked.json()).toMatchObject({ kind: 'callback', status: 'pending' });

    const posted = await post(url, { paid: true, amount: 42 });
    expect(posted.status, await posted.clone().text()).toBe(202);
    expect(await posted.json()).toEqual({ kind: 'callback', runId, waitpointId: waiting.data['waitpointId'] });

    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    const log = await events(runId);
    expect(log.map((event) => event.type)).toEqual([
      'run.started',
      'model.started',
      'model.completed',
      'callback.waiting',
      'callback.resolved',
      'tool.started',
      'tool.completed',
      'model.started',
      'model.completed',
      'run.succeeded',
    ]);
    expect(log.find((event) => event.type === 'callback.resolved')?.data).toMatchObject({ outcome: 'completed' });
    expect(log.find((event) => event.type === 'tool.completed')?.data).toMatchObject({
      ok: true,
      output: { paid: true, amount: 42 },
    });

    // Single use: the same URL again is refused and changes nothing.
    const again = await post(url, { paid: false });
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ code: 'callback_used' });
    expect(await events(runId)).toHaveLength(log.length);
    expect((await waitpoints(runId))[0]?.status).toBe('completed');
  });

  it('refuses a forged or malformed token (401) and bad bodies, changing nothing', async () => {
    const runId = await startRun('forged', callbackSpec());
    const waiting = await eventOf(runId, 'callback.waiting');
    const url = String(waiting.data['url']);
    const [body = '', signature = ''] = url.slice('/v1/callbacks/'.length).split('.');
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const forged = await post(`/v1/callbacks/${body}.${flipped}`, { paid: true });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'callback_token_invalid' });
    expect((await post('/v1/callbacks/not-a-token', { paid: true })).status).toBe(401);
    // An API key is no substitute for the token.
    const withKey = await post('/v1/callbacks/x.y', { paid: true }, { authorization: `Bearer ${runtime.apiKey}` });
    expect(withKey.status).toBe(401);

    const tooLarge = await post(url, { blob: 'x'.repeat(300 * 1024) });
    expect(tooLarge.status).toBe(413);
    const notJson = await post(url, '{"paid": tru');
    expect(notJson.status).toBe(400);

    const before = await events(runId);
    expect(before.at(-1)?.type).toBe('callback.waiting');
    expect((await waitpoints(runId))[0]?.status).toBe('pending');

    // The genuine URL still works after all of that.
    expect((await post(url, { paid: true })).status).toBe(202);
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
  });

  it('expires an unanswered callback: the model is told, and a late POST is refused (410)', async () => {
    const runId = await startRun('pays-never', callbackSpec({ timeoutSeconds: 1 }));
    const waiting = await eventOf(runId, 'callback.waiting');
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    const log = await events(runId);
    expect(log.find((event) => event.type === 'callback.resolved')?.data).toMatchObject({ outcome: 'expired' });
    expect(log.some((event) => event.type === 'tool.started')).toBe(false);

    const late = await post(String(waiting.data['url']), { paid: true });
    expect(late.status).toBe(410);
    expect(await late.json()).toMatchObject({ code: 'callback_expired' });
    expect(await events(runId)).toHaveLength(log.length);
    expect((await waitpoints(runId))[0]?.status).toBe('expired');
  });

  it('fails the run when an expired callback says onTimeout: fail', async () => {
    const runId = await startRun('pays-or-fails', callbackSpec({ timeoutSeconds: 1, onTimeout: 'fail' }));
    expect(await waitForRun(runtime, runId)).toMatchObject({
      status: 'failed',
      error: { code: 'callback_expired', step: 1 },
    });
  });

  it("hides a run's waitpoints from another tenant", async () => {
    const runId = await startRun('private-wait', callbackSpec());
    await eventOf(runId, 'callback.waiting');
    const tenant = await createTenant(runtime.database.db, 'callbacks-other');
    const { key } = await createApiKey(runtime.database.db, {
      tenantId: tenant.id,
      name: 'other',
      roles: ['tenant-admin'],
    });
    const other = createApiRequest(runtime.url, key);
    expect((await other('GET', `/v1/runs/${runId}/waitpoints`)).status).toBe(404);
    expect((await other('GET', `/v1/runs/${runId}/events`)).status).toBe(404);
    expect(await waitpoints(runId)).toHaveLength(1);
    await runtime.request('POST', `/v1/runs/${runId}/cancel`);
  });

  it('decides an approval through its link: GET changes nothing, POST decides once', async () => {
    const runId = await startRun('approve-by-link', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'may I?', toolCalls: [{ id: 'send', name: 'echo', arguments: { to: 'all' } }] },
          { text: 'ok' },
        ],
      },
      tools: [{ name: 'echo', requiresApproval: true }],
    });
    const requested = await eventOf(runId, 'approval.requested');
    const links = requested.data['links'] as { approve: string; reject: string; expiresAt: string };
    expect(links.approve).toMatch(/^\/v1\/callbacks\//);
    expect(links.reject).not.toBe(links.approve);

    const looked = await fetch(`${runtime.url}${links.approve}`);
    expect(await looked.json()).toMatchObject({ kind: 'approval', status: 'pending', decision: 'approve' });
    expect(((await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as { status: string }).status).toBe(
      'waiting',
    );

    const badBody = await post(links.approve, { comment: 1 });
    expect(badBody.status).toBe(422);
    const approved = await post(links.approve, { comment: 'from chat' });
    expect(approved.status, await approved.clone().text()).toBe(202);
    expect(await approved.json()).toMatchObject({ kind: 'approval', approvalId: '1-send', decision: 'approve' });
    const rejected = await post(links.reject);
    expect(rejected.status).toBe(410);
    expect(await rejected.json()).toMatchObject({ code: 'callback_used' });

    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    const decided = (await events(runId)).find((event) => event.type === 'approval.decided');
    expect(decided?.data).toMatchObject({ decision: 'approve', comment: 'from chat', decidedBy: 'callback-link' });
    const audit = (await (await runtime.request('GET', '/v1/audit?action=approval.decided')).json()) as {
      items: { actor: { subject: string } }[];
    };
    expect(audit.items.some((item) => item.actor.subject === 'callback-link')).toBe(true);
  });
});
